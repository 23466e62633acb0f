import { createProcessedEventTable } from "@retailer/kit";
import { type Kysely, sql } from "kysely";

/** Order lines with price snapshots, the status history, checkout claims (idempotency keys). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table "order"
    add column cart_id uuid,
    add column cancel_reason text,
    alter column placed_at type timestamptz(3),
    alter column updated_at type timestamptz(3)`.execute(db);
  await db.schema
    .createTable("order_line")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("order_id", "uuid", (c) => c.notNull().references("order.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("variant_id", "uuid", (c) => c.notNull())
    .addColumn("product_id", "uuid", (c) => c.notNull())
    .addColumn("product_name", "text", (c) => c.notNull())
    .addColumn("variant_name", "text", (c) => c.notNull())
    .addColumn("sku", "text", (c) => c.notNull())
    .addColumn("quantity", "integer", (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn("unit_price", "integer", (c) => c.notNull().check(sql`unit_price >= 0`))
    .addColumn("line_total", "integer", (c) => c.notNull().check(sql`line_total >= 0`))
    .execute();
  await db.schema.createIndex("order_line_order_idx").on("order_line").columns(["order_id", "position"]).execute();

  await db.schema
    .createTable("order_status_change")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("order_id", "uuid", (c) => c.notNull().references("order.id").onDelete("cascade"))
    .addColumn("from_status", "text")
    .addColumn("to_status", "text", (c) => c.notNull())
    .addColumn("at", "timestamptz(3)", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("note", "text")
    .addColumn("actor", "text")
    .execute();
  await db.schema
    .createIndex("order_status_change_order_idx")
    .on("order_status_change")
    .columns(["order_id", "id"])
    .execute();

  // One claim per (customer or guest cart, idempotency key): repeats find the first attempt's order id.
  await db.schema
    .createTable("checkout_claim")
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("idempotency_key", "text", (c) => c.notNull())
    .addColumn("cart_id", "uuid", (c) => c.notNull())
    .addColumn("order_id", "uuid", (c) => c.notNull().unique())
    .addColumn("completed", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("checkout_claim_pk", ["scope", "idempotency_key"])
    .execute();

  await createProcessedEventTable(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["processed_event", "checkout_claim", "order_status_change", "order_line"]) {
    await db.schema.dropTable(table).execute();
  }
  await sql`alter table "order" drop column cart_id, drop column cancel_reason`.execute(db);
}
