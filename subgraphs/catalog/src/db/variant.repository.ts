import { type Kysely, sql } from "kysely";
import type { CatalogDatabase, NewVariant, VariantRow } from "./database.js";

type Db = Kysely<CatalogDatabase>;

export const findVariantsByIds = (db: Db, ids: readonly string[]): Promise<VariantRow[]> =>
  db.selectFrom("variant").selectAll().where("id", "in", ids).execute();

export const findVariantsByProductIds = (db: Db, productIds: readonly string[]): Promise<VariantRow[]> =>
  db
    .selectFrom("variant")
    .selectAll()
    .where("product_id", "in", productIds)
    .orderBy("product_id")
    .orderBy("position")
    .orderBy("created_at")
    .execute();

export const findTakenSkus = async (db: Db, skus: readonly string[], exceptId?: string): Promise<string[]> => {
  if (skus.length === 0) return [];
  let q = db.selectFrom("variant").select("sku").where("sku", "in", skus);
  if (exceptId) q = q.where("id", "<>", exceptId);
  return (await q.execute()).map((r) => r.sku);
};

export const insertVariants = (db: Db, variants: NewVariant[]): Promise<VariantRow[]> =>
  variants.length === 0 ? Promise.resolve([]) : db.insertInto("variant").values(variants).returningAll().execute();

export const nextVariantPosition = async (db: Db, productId: string): Promise<number> =>
  (
    await db
      .selectFrom("variant")
      .select((eb) => eb.fn.coalesce(eb.fn.max("position"), sql<number>`-1`).as("max"))
      .where("product_id", "=", productId)
      .executeTakeFirstOrThrow()
  ).max + 1;

export const updateVariantRow = (
  db: Db,
  id: string,
  changes: Partial<Pick<VariantRow, "sku" | "name" | "price">> & { options?: string },
): Promise<VariantRow | undefined> =>
  db
    .updateTable("variant")
    .set({ ...changes, updated_at: new Date() })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();

/** Locks variants in id order (one order for every transaction, so no deadlocks). */
export const lockVariants = (db: Db, ids: readonly string[]): Promise<VariantRow[]> =>
  db.selectFrom("variant").selectAll().where("id", "in", ids).orderBy("id").forUpdate().execute();

/** Adds `delta` to on-hand stock unless that would put it below what is reserved (or below zero). */
export const addOnHand = (db: Db, id: string, delta: number): Promise<VariantRow | undefined> =>
  db
    .updateTable("variant")
    .set((eb) => ({ on_hand: eb("on_hand", "+", delta), updated_at: new Date() }))
    .where("id", "=", id)
    .where(sql<boolean>`on_hand + ${delta} >= reserved`)
    .returningAll()
    .executeTakeFirst();

/**
 * Reserves `quantity` only if that many are available: a conditional update,
 * so concurrent reservations can never take more than there is.
 */
export const reserveUnits = (db: Db, id: string, quantity: number): Promise<VariantRow | undefined> =>
  db
    .updateTable("variant")
    .set((eb) => ({ reserved: eb("reserved", "+", quantity) }))
    .where("id", "=", id)
    .where(sql<boolean>`on_hand - reserved >= ${quantity}`)
    .returningAll()
    .executeTakeFirst();

/** Moves units between reserved and on hand (release: -q reserved; commit: -q both; restock: +q on hand). */
export const moveUnits = (db: Db, id: string, onHandDelta: number, reservedDelta: number): Promise<VariantRow> =>
  db
    .updateTable("variant")
    .set((eb) => ({ on_hand: eb("on_hand", "+", onHandDelta), reserved: eb("reserved", "+", reservedDelta) }))
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
