import type { ColumnType, Generated, Selectable } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface NotificationTable {
  id: Generated<string>;
  /** The customer it was sent to; null for a guest order's mail. */
  user_id: string | null;
  channel: "EMAIL" | "SMS";
  template: string;
  recipient: string;
  subject: string | null;
  body: string;
  html: string | null;
  status: Generated<"QUEUED" | "SENT" | "FAILED">;
  attempts: Generated<number>;
  last_error: string | null;
  order_id: string | null;
  created_at: Timestamp;
  sent_at: Date | null;
}

export interface NotificationsDatabase {
  notification: NotificationTable;
}

export type NotificationRow = Selectable<NotificationTable>;
