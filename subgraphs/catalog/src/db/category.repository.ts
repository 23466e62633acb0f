import { type Insertable, type Kysely, sql } from "kysely";
import type { CatalogDatabase, CategoryRow, CategoryTable } from "./database.js";

type Db = Kysely<CatalogDatabase>;

export const findCategoriesByIds = (db: Db, ids: readonly string[]): Promise<CategoryRow[]> =>
  db.selectFrom("category").selectAll().where("id", "in", ids).execute();

export const findCategoryBySlug = (db: Db, slug: string): Promise<CategoryRow | undefined> =>
  db.selectFrom("category").selectAll().where("slug", "=", slug).executeTakeFirst();

export const findRootCategories = (db: Db): Promise<CategoryRow[]> =>
  db.selectFrom("category").selectAll().where("parent_id", "is", null).orderBy("position").orderBy("name").execute();

export const findChildCategories = (db: Db, parentIds: readonly string[]): Promise<CategoryRow[]> =>
  db
    .selectFrom("category")
    .selectAll()
    .where("parent_id", "in", parentIds)
    .orderBy("position")
    .orderBy("name")
    .execute();

export const insertCategory = (db: Db, category: Insertable<CategoryTable>): Promise<CategoryRow> =>
  db.insertInto("category").values(category).returningAll().executeTakeFirstOrThrow();

export const categorySlugTaken = async (db: Db, slug: string, exceptId?: string): Promise<boolean> => {
  let q = db.selectFrom("category").select("id").where("slug", "=", slug);
  if (exceptId) q = q.where("id", "<>", exceptId);
  return (await q.executeTakeFirst()) !== undefined;
};

/** The category and all its ancestors' ids, walking up to the root. */
export async function ancestorIds(db: Db, id: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    with recursive up(id, parent_id) as (
      select id, parent_id from category where id = ${id}
      union all
      select c.id, c.parent_id from category c join up on c.id = up.parent_id
    ) select id from up`.execute(db);
  return rows.map((r) => r.id);
}

export const updateCategoryRow = (
  db: Db,
  id: string,
  changes: Partial<Pick<CategoryRow, "name" | "slug" | "parent_id" | "position">>,
): Promise<CategoryRow | undefined> =>
  db.updateTable("category").set(changes).where("id", "=", id).returningAll().executeTakeFirst();
