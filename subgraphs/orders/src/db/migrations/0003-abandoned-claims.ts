import { type Kysely, sql } from "kysely";

/**
 * Abandoned checkouts: the sweep reads claims not completed through a small
 * partial index (not a scan of every order's claim), and attempts whose
 * compensation failed wait in checkout_undo until it succeeds.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex("checkout_claim_not_completed")
    .on("checkout_claim")
    .column("created_at")
    .where(sql.ref("completed"), "=", false)
    .execute();
  await db.schema
    .createTable("checkout_undo")
    .addColumn("order_id", "uuid", (c) => c.primaryKey())
    .addColumn("cart_id", "uuid", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("checkout_undo").execute();
  await db.schema.dropIndex("checkout_claim_not_completed").execute();
}
