import type { Kysely } from "kysely";
import type { NotificationsDatabase } from "./database.js";

/**
 * Whether (event, handler) was handled already: a cheap early exit before a
 * handler's lookups. The authority is kit's firstDelivery inside the handler's
 * transaction, which also holds under concurrent deliveries.
 */
export async function wasProcessed(
  db: Kysely<NotificationsDatabase>,
  eventId: string,
  handler: string,
): Promise<boolean> {
  const row = await db
    .selectFrom("processed_event")
    .select("event_id")
    .where("event_id", "=", eventId)
    .where("handler", "=", handler)
    .executeTakeFirst();
  return row !== undefined;
}
