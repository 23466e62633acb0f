import type { Kysely } from "kysely";
import type { CartDatabase, CartLineRow, CartRow } from "./database.js";

type Db = Kysely<CartDatabase>;

export const findCartsByIds = (db: Db, ids: readonly string[]): Promise<CartRow[]> =>
  db.selectFrom("cart").selectAll().where("id", "in", ids).execute();

export const findLinesByCartIds = (db: Db, cartIds: readonly string[]): Promise<CartLineRow[]> =>
  db
    .selectFrom("cart_line")
    .selectAll()
    .where("cart_id", "in", cartIds)
    .orderBy("cart_id")
    .orderBy("created_at")
    .execute();
