import type { Kysely } from "kysely";
import type { UsersDatabase } from "./database.js";

type Db = Kysely<UsersDatabase>;

/** Revokes a refresh token (a better-auth session); true when one was revoked. */
export async function deleteSessionByToken(db: Db, token: string): Promise<boolean> {
  const result = await db.deleteFrom("session").where("token", "=", token).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Revokes every session of a user but the one named (after a password change). */
export async function deleteOtherSessions(db: Db, userId: string, keepSessionId: string | null): Promise<void> {
  let q = db.deleteFrom("session").where("userId", "=", userId);
  if (keepSessionId) q = q.where("id", "<>", keepSessionId);
  await q.execute();
}
