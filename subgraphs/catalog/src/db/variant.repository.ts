import type { Kysely } from "kysely";
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

export const insertVariants = (db: Db, variants: NewVariant[]): Promise<VariantRow[]> =>
  variants.length === 0 ? Promise.resolve([]) : db.insertInto("variant").values(variants).returningAll().execute();
