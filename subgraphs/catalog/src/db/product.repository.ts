import { type ExpressionBuilder, type Kysely, type RawBuilder, sql } from "kysely";
import type { CatalogDatabase, NewProduct, ProductRow, ProductUpdate } from "./database.js";

type Db = Kysely<CatalogDatabase>;
export type ProductStatus = ProductRow["status"];

/** Every column but the search vector. */
export const PRODUCT_COLUMNS = [
  "product.id",
  "product.slug",
  "product.name",
  "product.description",
  "product.status",
  "product.category_id",
  "product.images",
  "product.created_at",
  "product.updated_at",
  "product.min_price",
  "product.max_price",
] as const;

export const findProductsByIds = (db: Db, ids: readonly string[]): Promise<ProductRow[]> =>
  db.selectFrom("product").select(PRODUCT_COLUMNS).where("id", "in", ids).execute();

export const findProductBySlug = (db: Db, slug: string): Promise<ProductRow | undefined> =>
  db.selectFrom("product").select(PRODUCT_COLUMNS).where("slug", "=", slug).executeTakeFirst();

export const slugTaken = async (db: Db, slug: string, exceptId?: string): Promise<boolean> => {
  let q = db.selectFrom("product").select("id").where("slug", "=", slug);
  if (exceptId) q = q.where("id", "<>", exceptId);
  return (await q.executeTakeFirst()) !== undefined;
};

export const insertProduct = (db: Db, product: NewProduct): Promise<ProductRow> =>
  db.insertInto("product").values(product).returning(PRODUCT_COLUMNS).executeTakeFirstOrThrow();

export const updateProductRow = (db: Db, id: string, changes: ProductUpdate): Promise<ProductRow | undefined> =>
  db
    .updateTable("product")
    .set({ ...changes, updated_at: new Date() })
    .where("id", "=", id)
    .returning(PRODUCT_COLUMNS)
    .executeTakeFirst();

/** Keeps the cheapest and dearest price in step with the product's variants. */
export const refreshPriceRange = (db: Db, productId: string): Promise<unknown> =>
  sql`update product set
      min_price = (select min(price) from variant where product_id = ${productId}),
      max_price = (select max(price) from variant where product_id = ${productId})
    where id = ${productId}`.execute(db);

export type SortField = "CREATED_AT" | "NAME" | "PRICE" | "RELEVANCE";

export interface ProductQuery {
  statuses: readonly ProductStatus[];
  search?: string;
  /** This category and its descendants. */
  categoryId?: string;
  minPrice?: number;
  maxPrice?: number;
  inStock?: boolean;
  sort: { field: SortField; direction: "ASC" | "DESC" };
  /** Keyset position: the sort key and id of the last row seen. */
  after?: { key: string; id: string };
  limit: number;
}

/** Minimum word similarity for a typo to still match ("hoodei" finds "Hoodie"). */
const SIMILARITY = 0.3;

/** The rows matching a query, in its order, after its cursor, with their sort key. */
export async function findProductPage(db: Db, query: ProductQuery): Promise<(ProductRow & { sort_key: string })[]> {
  const { field, direction } = query.sort;
  const sortKey = sortExpression(field, query.search);
  // The key as PostgreSQL prints it (microseconds, exact floats), so a cursor compares exactly.
  let q = filtered(db, query).select(PRODUCT_COLUMNS).select(sql<string>`(${sortKey})::text`.as("sort_key"));
  if (query.after) {
    const after = query.after;
    const cmp = direction === "ASC" ? ">" : "<";
    q = q.where(({ eb, refTuple, tuple }) => eb(refTuple(sortKey, "product.id"), cmp, tuple(after.key, after.id)));
  }
  const dir = direction === "ASC" ? "asc" : "desc";
  return q.orderBy(sortKey, dir).orderBy("product.id", dir).limit(query.limit).execute();
}

export async function countProducts(db: Db, query: ProductQuery): Promise<number> {
  const row = await filtered(db, query)
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .executeTakeFirstOrThrow();
  return row.count;
}

function filtered(db: Db, query: ProductQuery) {
  let q = db.selectFrom("product").where("product.status", "in", query.statuses);
  const search = query.search;
  if (search) {
    q = q.where((eb) =>
      eb.or([
        eb("product.search", "@@", sql<string>`websearch_to_tsquery('english', ${search})`),
        eb(sql`word_similarity(${search}, product.name)`, ">=", SIMILARITY),
      ]),
    );
  }
  const categoryId = query.categoryId;
  if (categoryId) {
    q = q.where(
      sql<boolean>`product.category_id in (
        with recursive tree(id) as (
          select id from category where id = ${categoryId}
          union all
          select c.id from category c join tree t on c.parent_id = t.id
        ) select id from tree)`,
    );
  }
  if (query.minPrice !== undefined) q = q.where("product.max_price", ">=", query.minPrice);
  if (query.maxPrice !== undefined) q = q.where("product.min_price", "<=", query.maxPrice);
  if (query.inStock !== undefined) {
    const available = (eb: ExpressionBuilder<CatalogDatabase, "product">) =>
      eb.exists(
        eb
          .selectFrom("variant")
          .select("variant.id")
          .whereRef("variant.product_id", "=", "product.id")
          .where(sql<boolean>`variant.on_hand > variant.reserved`),
      );
    q = q.where((eb) => (query.inStock ? available(eb) : eb.not(available(eb))));
  }
  return q;
}

function sortExpression(field: SortField, search: string | undefined): RawBuilder<string | number> {
  switch (field) {
    case "NAME":
      return sql<string>`product.name`;
    case "PRICE":
      return sql<number>`coalesce(product.min_price, 0)`;
    case "RELEVANCE":
      // Without a search, relevance has nothing to rank: newest first is the honest fallback.
      return search
        ? sql<number>`(ts_rank(product.search, websearch_to_tsquery('english', ${search})) + word_similarity(${search}, product.name))::float8`
        : sql<string>`product.created_at`;
    default:
      return sql<string>`product.created_at`;
  }
}
