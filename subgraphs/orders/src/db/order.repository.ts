import type { Kysely } from "kysely";
import type { OrderRow, OrdersDatabase } from "./database.js";

type Db = Kysely<OrdersDatabase>;

export const findOrdersByIds = (db: Db, ids: readonly string[]): Promise<OrderRow[]> =>
  db.selectFrom("order").selectAll().where("id", "in", ids).execute();
