import type { Kysely } from "kysely";
import type { NotificationsDatabase, PreferenceRow } from "./database.js";

type Db = Kysely<NotificationsDatabase>;

export const findPreferences = (db: Db, userIds: readonly string[]): Promise<PreferenceRow[]> =>
  userIds.length === 0
    ? Promise.resolve([])
    : db.selectFrom("preference").selectAll().where("user_id", "in", userIds).execute();

/** Creates or changes a user's preferences; fields not given keep their value (or the default). */
export function savePreferences(
  db: Db,
  userId: string,
  changes: { email?: boolean; sms?: boolean },
  defaults: { email: boolean; sms: boolean },
): Promise<PreferenceRow> {
  return db
    .insertInto("preference")
    .values({
      user_id: userId,
      email: changes.email ?? defaults.email,
      sms: changes.sms ?? defaults.sms,
      updated_at: new Date(),
    })
    .onConflict((oc) =>
      oc.column("user_id").doUpdateSet({
        ...(changes.email !== undefined ? { email: changes.email } : {}),
        ...(changes.sms !== undefined ? { sms: changes.sms } : {}),
        updated_at: new Date(),
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}
