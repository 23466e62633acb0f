import { canAccess, type Page, PageInfo, toPage } from "@retailer/kit";
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import type { Context } from "../context.js";
import type { NotificationRow } from "../db/database.js";

export enum NotificationChannel {
  EMAIL = "EMAIL",
  SMS = "SMS",
}
registerEnumType(NotificationChannel, { name: "NotificationChannel" });

export enum DeliveryStatus {
  QUEUED = "QUEUED",
  SENT = "SENT",
  FAILED = "FAILED",
}
registerEnumType(DeliveryStatus, { name: "DeliveryStatus" });

@Directive('@key(fields: "id")')
@ObjectType()
export class Notification {
  @Field(() => ID)
  id!: string;

  @Field(() => NotificationChannel)
  channel!: NotificationChannel;

  @Field(() => String, {
    description:
      "e.g. welcome, order_confirmed, order_shipped, order_delivered, order_cancelled, payment_failed, refund_issued, password_reset.",
  })
  template!: string;

  @Field(() => String)
  recipient!: string;

  @Field(() => String, { nullable: true })
  subject!: string | null;

  @Field(() => String, { description: "Rendered plain-text body." })
  body!: string;

  @Field(() => DeliveryStatus)
  status!: DeliveryStatus;

  @Field(() => Int)
  attempts!: number;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => ID, { nullable: true })
  orderId!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  sentAt!: Date | null;
}

export const toNotification = (row: NotificationRow): Notification => ({
  id: row.id,
  channel: row.channel as NotificationChannel,
  template: row.template,
  recipient: row.recipient,
  subject: row.subject,
  body: row.body,
  status: row.status as DeliveryStatus,
  attempts: row.attempts,
  lastError: row.last_error,
  orderId: row.order_id,
  createdAt: row.created_at,
  sentAt: row.sent_at,
});

/** A customer's messages resolve for that customer, admins and services only. */
export const notificationReference = {
  __resolveReference: async (ref: { id: string }, ctx: Context) => {
    const row = await ctx.loaders.notification.load(ref.id);
    return row && canAccess(ctx.viewer, row.user_id) ? toNotification(row) : null;
  },
};

@ObjectType()
export class NotificationEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Notification)
  node!: Notification;
}

@ObjectType()
export class NotificationConnection {
  @Field(() => [NotificationEdge])
  edges!: NotificationEdge[];

  @Field(() => [Notification])
  nodes!: Notification[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}

/** A page of messages, newest first, from `limit + 1` rows keyed on (created_at, id). */
export const notificationPage = (
  rows: readonly NotificationRow[],
  limit: number,
  totalCount: number,
  hasPrevious: boolean,
): Page<Notification> =>
  toPage(rows, limit, {
    cursor: (row) => [row.created_at.toISOString(), row.id],
    node: toNotification,
    totalCount,
    hasPrevious,
  });
