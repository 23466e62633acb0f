import { type Kysely, sql } from "kysely";

/**
 * The table each consuming service keeps in its own schema to handle every
 * event once: (event id, handler) is the key. Call from a migration.
 */
export async function createProcessedEventTable(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("processed_event")
    .addColumn("event_id", "uuid", (c) => c.notNull())
    .addColumn("handler", "text", (c) => c.notNull())
    .addColumn("processed_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("processed_event_pk", ["event_id", "handler"])
    .execute();
}

/**
 * Marks (event, handler) as processed inside the handler's transaction.
 * Returns false when it already was: the caller then does nothing, so a
 * redelivered or concurrently delivered event has its effect once.
 */
// biome-ignore lint/suspicious/noExplicitAny: any service's transaction
export async function firstDelivery(trx: Kysely<any>, eventId: string, handler: string): Promise<boolean> {
  const result = await sql`
    insert into processed_event (event_id, handler) values (${eventId}, ${handler})
    on conflict do nothing`.execute(trx);
  return (result.numAffectedRows ?? 0n) > 0n;
}
