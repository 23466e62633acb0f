import type { Kysely } from "kysely";
import type { AddressRow, UsersDatabase } from "./database.js";

type Db = Kysely<UsersDatabase>;

export const findAddressesByUserIds = (db: Db, userIds: readonly string[]): Promise<AddressRow[]> =>
  db
    .selectFrom("address")
    .selectAll()
    .where("user_id", "in", userIds)
    .orderBy("user_id")
    .orderBy("is_default", "desc")
    .orderBy("created_at")
    .execute();

export const findAddressesByIds = (db: Db, ids: readonly string[]): Promise<AddressRow[]> =>
  db.selectFrom("address").selectAll().where("id", "in", ids).execute();
