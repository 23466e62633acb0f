import type { Insertable, Kysely } from "kysely";
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
