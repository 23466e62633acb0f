import type { Kysely } from "kysely";
import type { UserRow, UsersDatabase } from "./database.js";

type Db = Kysely<UsersDatabase>;

export const findUsersByIds = (db: Db, ids: readonly string[]): Promise<UserRow[]> =>
  db.selectFrom("user").selectAll().where("id", "in", ids).execute();

export const findUserByEmail = (db: Db, email: string): Promise<UserRow | undefined> =>
  db.selectFrom("user").selectAll().where("email", "=", email).executeTakeFirst();

export async function updateProfile(
  db: Db,
  id: string,
  changes: { name?: string; phone?: string | null },
): Promise<UserRow> {
  return db
    .updateTable("user")
    .set({ ...changes, updatedAt: new Date() })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** better-auth's role column: "admin" or "user". */
export const setStoredRole = (db: Db, id: string, role: "admin" | "user"): Promise<UserRow | undefined> =>
  db.updateTable("user").set({ role, updatedAt: new Date() }).where("id", "=", id).returningAll().executeTakeFirst();

export const lockUser = (db: Db, id: string): Promise<unknown> =>
  db.selectFrom("user").select("id").where("id", "=", id).forUpdate().executeTakeFirst();
