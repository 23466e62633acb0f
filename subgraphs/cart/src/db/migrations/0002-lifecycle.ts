import { createProcessedEventTable } from "@retailer/kit";
import { type Kysely, sql } from "kysely";

/**
 * Cart lifecycle: where a merged cart went, which order converted a cart,
 * line order, the purge of untouched carts, and the processed-event table
 * that makes the order.placed handler idempotent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("cart")
    .addColumn("merged_into", "uuid", (c) => c.references("cart.id").onDelete("set null"))
    .addColumn("order_id", "uuid")
    .execute();
  await db.schema
    .alterTable("cart")
    .addCheckConstraint("cart_merged_has_customer", sql`status <> 'MERGED' or customer_id is not null`)
    .execute();
  await db.schema.createIndex("cart_updated_at").on("cart").column("updated_at").execute();
  await db.schema
    .alterTable("cart_line")
    .addColumn("position", "bigint", (c) => c.notNull().generatedByDefaultAsIdentity())
    .execute();
  await createProcessedEventTable(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("processed_event").execute();
  await db.schema.alterTable("cart_line").dropColumn("position").execute();
  await db.schema.dropIndex("cart_updated_at").execute();
  await db.schema.alterTable("cart").dropConstraint("cart_merged_has_customer").execute();
  await db.schema.alterTable("cart").dropColumn("order_id").dropColumn("merged_into").execute();
}
