import { createProcessedEventTable } from "@retailer/kit";
import { type Kysely, sql } from "kysely";

/**
 * Event handling and delivery: preferences, the processed-event table, the
 * key that makes "one message per event (or natural key) and template" hold,
 * the provider's message id, and a read model of orders for the payment
 * events that do not carry an order's number and email.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("preference")
    .addColumn("user_id", "text", (c) => c.primaryKey())
    .addColumn("email", "boolean", (c) => c.notNull().defaultTo(true))
    .addColumn("sms", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await createProcessedEventTable(db);

  await db.schema
    .alterTable("notification")
    .addColumn("event_id", "uuid")
    .addColumn("dedupe_key", "text")
    .addColumn("provider", "text")
    .addColumn("provider_id", "text")
    .execute();
  // Rows written before this migration had no event: each is its own key.
  await sql`update notification set dedupe_key = 'legacy:' || id::text where dedupe_key is null`.execute(db);
  await sql`alter table notification alter column dedupe_key set not null`.execute(db);
  // Redelivered or concurrently delivered events insert "on conflict do nothing" against this key.
  await db.schema
    .createIndex("notification_dedupe_key")
    .on("notification")
    .columns(["dedupe_key", "template", "channel"])
    .unique()
    .execute();
  await db.schema.createIndex("notification_created_idx").on("notification").columns(["created_at", "id"]).execute();
  await db.schema.createIndex("notification_order_idx").on("notification").column("order_id").execute();

  await db.schema
    .createTable("order_contact")
    .addColumn("order_id", "uuid", (c) => c.primaryKey())
    .addColumn("number", "text", (c) => c.notNull())
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("customer_id", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("status_at", "timestamptz", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("order_contact").execute();
  await db.schema.dropIndex("notification_order_idx").execute();
  await db.schema.dropIndex("notification_created_idx").execute();
  await db.schema.dropIndex("notification_dedupe_key").execute();
  await db.schema
    .alterTable("notification")
    .dropColumn("provider_id")
    .dropColumn("provider")
    .dropColumn("dedupe_key")
    .dropColumn("event_id")
    .execute();
  await db.schema.dropTable("processed_event").execute();
  await db.schema.dropTable("preference").execute();
}
