import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("payment")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // One payment per order: checkout's retries find the first one.
    .addColumn("order_id", "uuid", (c) => c.notNull().unique())
    .addColumn("customer_id", "text")
    .addColumn("provider", "text", (c) => c.notNull().check(sql`provider in ('STRIPE', 'TEST')`))
    .addColumn("provider_ref", "text", (c) => c.unique())
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .check(
          sql`status in ('REQUIRES_PAYMENT', 'PROCESSING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'PARTIALLY_REFUNDED', 'REFUNDED')`,
        ),
    )
    .addColumn("amount", "integer", (c) => c.notNull().check(sql`amount >= 0`))
    .addColumn("currency", "char(3)", (c) => c.notNull())
    .addColumn("amount_refunded", "integer", (c) => c.notNull().defaultTo(0).check(sql`amount_refunded >= 0`))
    .addColumn("client_secret", "text")
    .addColumn("failure_reason", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("payment_refund_within_amount", sql`amount_refunded <= amount`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("payment").execute();
}
