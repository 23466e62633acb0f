import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create sequence order_number_seq`.execute(db);
  await db.schema
    .createTable("order")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("number", "bigint", (c) => c.notNull().unique().defaultTo(sql`nextval('order_number_seq')`))
    .addColumn("customer_id", "text")
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('PENDING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'REFUNDED')`),
    )
    .addColumn("currency", "char(3)", (c) => c.notNull())
    .addColumn("subtotal", "integer", (c) => c.notNull().check(sql`subtotal >= 0`))
    .addColumn("shipping", "integer", (c) => c.notNull().check(sql`shipping >= 0`))
    .addColumn("tax", "integer", (c) => c.notNull().check(sql`tax >= 0`))
    .addColumn("total", "integer", (c) => c.notNull().check(sql`total >= 0`))
    .addColumn("shipping_address", "jsonb", (c) => c.notNull())
    .addColumn("tracking_number", "text")
    .addColumn("carrier", "text")
    .addColumn("placed_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("order_customer_idx").on("order").columns(["customer_id", "placed_at"]).execute();
  await db.schema.createIndex("order_status_idx").on("order").columns(["status", "placed_at"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("order").execute();
  await sql`drop sequence order_number_seq`.execute(db);
}
