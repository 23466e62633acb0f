import type { ColumnType, Generated, Selectable } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type ChannelName = "EMAIL" | "SMS";
export type DeliveryStatusName = "QUEUED" | "SENT" | "FAILED";

export interface NotificationTable {
  id: Generated<string>;
  /** The customer it was sent to; null for a guest order's mail. */
  user_id: string | null;
  channel: ChannelName;
  template: string;
  recipient: string;
  subject: string | null;
  /** Rendered plain text as stored: secrets (a reset link) are redacted. */
  body: string;
  html: string | null;
  status: Generated<DeliveryStatusName>;
  attempts: Generated<number>;
  last_error: string | null;
  order_id: string | null;
  created_at: Timestamp;
  sent_at: Date | null;
  /** The domain event that caused it. */
  event_id: string | null;
  /** With template and channel, unique: one message per event (or natural key such as an order) and template. */
  dedupe_key: string;
  /** Who accepted it ("resend", "twilio", "outbox") and their id for it. */
  provider: string | null;
  provider_id: string | null;
}

export interface PreferenceTable {
  user_id: string;
  email: Generated<boolean>;
  sms: Generated<boolean>;
  updated_at: Timestamp;
}

export interface ProcessedEventTable {
  event_id: string;
  handler: string;
  processed_at: Timestamp;
}

/** Read model of orders, from order.status_changed: what payment events lack. */
export interface OrderContactTable {
  order_id: string;
  number: string;
  email: string;
  customer_id: string | null;
  status: string;
  status_at: Date;
}

export interface NotificationsDatabase {
  notification: NotificationTable;
  preference: PreferenceTable;
  processed_event: ProcessedEventTable;
  order_contact: OrderContactTable;
}

export type NotificationRow = Selectable<NotificationTable>;
export type PreferenceRow = Selectable<PreferenceTable>;
export type OrderContactRow = Selectable<OrderContactTable>;
