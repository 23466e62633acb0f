import { createProcessedEventTable } from "@retailer/kit";
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("payment")
    // Where payment.failed reaches a guest (no customer account to look up).
    .addColumn("email", "text")
    .execute();

  await db.schema
    .createTable("refund")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("payment_id", "uuid", (c) => c.notNull().references("payment.id"))
    .addColumn("amount", "integer", (c) => c.notNull().check(sql`amount > 0`))
    .addColumn("reason", "text")
    // REQUESTED: sent (or about to be), outcome unknown, its amount reserved; PENDING: accepted by the
    // provider, completing there; SUCCEEDED; FAILED: refused (only automatic refunds keep a FAILED row).
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('REQUESTED', 'PENDING', 'SUCCEEDED', 'FAILED')`),
    )
    // ADMIN: refundPayment; ORDER_CANCELLED: automatic, on an order cancelled after payment;
    // PROVIDER: found in the provider's charge.refunded (e.g. made in Stripe's dashboard).
    .addColumn("origin", "text", (c) => c.notNull().check(sql`origin in ('ADMIN', 'ORDER_CANCELLED', 'PROVIDER')`))
    .addColumn("provider_ref", "text", (c) => c.unique())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("refund_payment_idx").on("refund").columns(["payment_id", "created_at"]).execute();
  // An order is cancelled once: one automatic refund per payment, whatever the redeliveries.
  await sql`create unique index refund_one_on_cancel on refund (payment_id) where origin = 'ORDER_CANCELLED'`.execute(
    db,
  );

  // Provider events already acted on: a webhook delivered twice (or 20 times at once) has its effect once.
  await db.schema
    .createTable("provider_event")
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("payment_id", "uuid", (c) => c.notNull().references("payment.id"))
    .addColumn("received_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("provider_event_pk", ["provider", "event_id"])
    .execute();

  await createProcessedEventTable(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("processed_event").execute();
  await db.schema.dropTable("provider_event").execute();
  await db.schema.dropTable("refund").execute();
  await db.schema.alterTable("payment").dropColumn("email").execute();
}
