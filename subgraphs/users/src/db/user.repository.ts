import type { Kysely } from "kysely";
import type { UserRow, UsersDatabase } from "./database.js";

type Db = Kysely<UsersDatabase>;

export const findUsersByIds = (db: Db, ids: readonly string[]): Promise<UserRow[]> =>
  db.selectFrom("user").selectAll().where("id", "in", ids).execute();
