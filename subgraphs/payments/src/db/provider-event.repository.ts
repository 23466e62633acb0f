import type { Kysely } from "kysely";
import type { PaymentsDatabase, ProviderName } from "./database.js";

type Db = Kysely<PaymentsDatabase>;

/**
 * Remembers a provider event inside the transaction that acts on it. False
 * when it was seen before: a concurrent duplicate waits on the first one's
 * key until that commits, then finds it.
 */
export const recordProviderEvent = async (
  db: Db,
  event: { provider: ProviderName; event_id: string; type: string; payment_id: string },
): Promise<boolean> => {
  const result = await db
    .insertInto("provider_event")
    .values(event)
    .onConflict((oc) => oc.columns(["provider", "event_id"]).doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
};

/** Whether an event handler already completed for a domain event (see kit's firstDelivery). */
export const wasProcessed = async (db: Db, eventId: string, handler: string): Promise<boolean> =>
  (await db
    .selectFrom("processed_event")
    .select("event_id")
    .where("event_id", "=", eventId)
    .where("handler", "=", handler)
    .executeTakeFirst()) !== undefined;
