import type { Kysely } from "kysely";
import type { CatalogDatabase, NewProduct, ProductRow } from "./database.js";

type Db = Kysely<CatalogDatabase>;
export type ProductStatus = ProductRow["status"];

export const findProductsByIds = (db: Db, ids: readonly string[]): Promise<ProductRow[]> =>
  db.selectFrom("product").selectAll().where("id", "in", ids).execute();

export const findProductBySlug = (db: Db, slug: string): Promise<ProductRow | undefined> =>
  db.selectFrom("product").selectAll().where("slug", "=", slug).executeTakeFirst();

export interface ProductPageQuery {
  statuses: readonly ProductStatus[];
  /** Keyset position: rows strictly after (created_at, id) in descending order. */
  after?: { createdAt: Date; id: string };
  limit: number;
}

/** Newest first, keyset-paginated so cursors stay stable under inserts. */
export async function findProductPage(db: Db, query: ProductPageQuery): Promise<ProductRow[]> {
  let q = db.selectFrom("product").selectAll().where("status", "in", query.statuses);
  const after = query.after;
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb("created_at", "<", after.createdAt),
        eb.and([eb("created_at", "=", after.createdAt), eb("id", "<", after.id)]),
      ]),
    );
  }
  return q.orderBy("created_at", "desc").orderBy("id", "desc").limit(query.limit).execute();
}

export async function countProducts(db: Db, statuses: readonly ProductStatus[]): Promise<number> {
  const row = await db
    .selectFrom("product")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("status", "in", statuses)
    .executeTakeFirstOrThrow();
  return row.count;
}

export const insertProduct = (db: Db, product: NewProduct): Promise<ProductRow> =>
  db.insertInto("product").values(product).returningAll().executeTakeFirstOrThrow();
