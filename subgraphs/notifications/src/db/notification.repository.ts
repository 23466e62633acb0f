import type { Kysely } from "kysely";
import type { NotificationRow, NotificationsDatabase } from "./database.js";

type Db = Kysely<NotificationsDatabase>;

export const findNotificationsByIds = (db: Db, ids: readonly string[]): Promise<NotificationRow[]> =>
  db.selectFrom("notification").selectAll().where("id", "in", ids).execute();

/** A user's messages, newest first, keyset-paginated on (created_at, id). */
export async function findNotificationPage(
  db: Db,
  query: { userId: string; limit: number; after?: { createdAt: Date; id: string } },
): Promise<NotificationRow[]> {
  let q = db.selectFrom("notification").selectAll().where("user_id", "=", query.userId);
  const after = query.after;
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb("created_at", "<", after.createdAt),
        eb.and([eb("created_at", "=", after.createdAt), eb("id", "<", after.id)]),
      ]),
    );
  }
  return q.orderBy("created_at", "desc").orderBy("id", "desc").limit(query.limit).execute();
}

export async function countNotifications(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom("notification")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow();
  return row.count;
}
