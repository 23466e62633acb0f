import type { Insertable, Kysely } from "kysely";
import type {
  ChannelName,
  DeliveryStatusName,
  NotificationRow,
  NotificationsDatabase,
  NotificationTable,
} from "./database.js";

type Db = Kysely<NotificationsDatabase>;

export const findNotificationsByIds = (db: Db, ids: readonly string[]): Promise<NotificationRow[]> =>
  db.selectFrom("notification").selectAll().where("id", "in", ids).execute();

/** What lists of messages can be narrowed by; every field given must match. */
export interface NotificationFilter {
  userId?: string;
  status?: DeliveryStatusName;
  template?: string;
  channel?: ChannelName;
  /** An email address (case-insensitive) or a phone number. */
  recipient?: string;
  orderId?: string;
}

function filtered(db: Db, filter: NotificationFilter) {
  let q = db.selectFrom("notification");
  if (filter.userId !== undefined) q = q.where("user_id", "=", filter.userId);
  if (filter.status !== undefined) q = q.where("status", "=", filter.status);
  if (filter.template !== undefined) q = q.where("template", "=", filter.template);
  if (filter.channel !== undefined) q = q.where("channel", "=", filter.channel);
  if (filter.orderId !== undefined) q = q.where("order_id", "=", filter.orderId);
  const recipient = filter.recipient;
  if (recipient !== undefined) q = q.where((eb) => eb(eb.fn("lower", ["recipient"]), "=", recipient.toLowerCase()));
  return q;
}

/** Messages matching `filter`, newest first, keyset-paginated on (created_at, id). */
export async function findNotificationPage(
  db: Db,
  query: { filter: NotificationFilter; limit: number; after?: { createdAt: Date; id: string } },
): Promise<NotificationRow[]> {
  let q = filtered(db, query.filter).selectAll();
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

export async function countNotifications(db: Db, filter: NotificationFilter): Promise<number> {
  const row = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .executeTakeFirstOrThrow();
  return row.count;
}

export type NewNotification = Omit<
  Insertable<NotificationTable>,
  "id" | "status" | "attempts" | "last_error" | "created_at" | "sent_at" | "provider" | "provider_id"
>;

/**
 * Inserts a message unless one with the same (dedupe_key, template, channel)
 * exists: the id of the new row, or null when it already existed. Under
 * concurrent inserts of the same key, one wins and the others get null.
 */
export async function insertNotification(db: Db, message: NewNotification): Promise<string | null> {
  const row = await db
    .insertInto("notification")
    .values(message)
    .onConflict((oc) => oc.columns(["dedupe_key", "template", "channel"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Reads a message and locks it until the transaction ends: one delivery attempt at a time. */
export const lockNotification = (db: Db, id: string): Promise<NotificationRow | undefined> =>
  db.selectFrom("notification").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();

export async function recordSent(
  db: Db,
  id: string,
  result: { attempts: number; provider: string; providerId: string; sentAt: Date },
): Promise<void> {
  await db
    .updateTable("notification")
    .set({
      status: "SENT",
      attempts: result.attempts,
      provider: result.provider,
      provider_id: result.providerId,
      sent_at: result.sentAt,
    })
    .where("id", "=", id)
    .execute();
}

/** A failed attempt: still QUEUED while retries remain, FAILED after the last one. */
export async function recordFailure(
  db: Db,
  id: string,
  result: { attempts: number; lastError: string; provider: string; final: boolean },
): Promise<void> {
  await db
    .updateTable("notification")
    .set({
      status: result.final ? "FAILED" : "QUEUED",
      attempts: result.attempts,
      last_error: result.lastError,
      provider: result.provider,
    })
    .where("id", "=", id)
    .execute();
}
