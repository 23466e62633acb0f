import { decodeTimeCursor, isUuid, pageSize, requireRole } from "@retailer/kit";
import { Arg, Ctx, Field, ID, InputType, Int, Query, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { countNotifications, findNotificationPage, type NotificationFilter } from "../db/notification.repository.js";
import { DeliveryStatus, NotificationChannel, NotificationConnection, notificationPage } from "./notification.js";

@InputType({ description: "Every field given must match." })
export class NotificationFilterInput {
  @Field(() => DeliveryStatus, { nullable: true })
  status?: DeliveryStatus | null;

  @Field(() => String, { nullable: true, description: "e.g. order_confirmed." })
  template?: string | null;

  @Field(() => NotificationChannel, { nullable: true })
  channel?: NotificationChannel | null;

  @Field(() => String, { nullable: true, description: "An email address (any case) or an E.164 phone number." })
  recipient?: string | null;

  @Field(() => ID, { nullable: true, description: "The customer's user id." })
  userId?: string | null;

  @Field(() => ID, { nullable: true })
  orderId?: string | null;
}

@Resolver()
export class AdminNotificationsResolver {
  @Query(() => NotificationConnection, {
    description:
      "(notifications) Admin: every message, newest first (the delivery log, and the development outbox). FORBIDDEN to others.",
  })
  async notifications(
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("filter", () => NotificationFilterInput, { nullable: true }) input: NotificationFilterInput | null,
  ): Promise<NotificationConnection> {
    requireRole(ctx.viewer, "ADMIN");
    const limit = pageSize(first);
    const position = after ? decodeTimeCursor(after) : undefined;
    // order_id is a uuid column: anything else matches nothing.
    if (input?.orderId != null && !isUuid(input.orderId)) return notificationPage([], limit, 0, position !== undefined);
    const filter = toFilter(input);
    const [rows, totalCount] = await Promise.all([
      findNotificationPage(ctx.db, { filter, limit: limit + 1, ...(position ? { after: position } : {}) }),
      countNotifications(ctx.db, filter),
    ]);
    return notificationPage(rows, limit, totalCount, position !== undefined);
  }
}

function toFilter(input: NotificationFilterInput | null): NotificationFilter {
  if (!input) return {};
  return {
    ...(input.status != null ? { status: input.status } : {}),
    ...(input.template != null ? { template: input.template } : {}),
    ...(input.channel != null ? { channel: input.channel } : {}),
    ...(input.recipient != null ? { recipient: input.recipient.trim() } : {}),
    ...(input.userId != null ? { userId: input.userId } : {}),
    ...(input.orderId != null ? { orderId: input.orderId } : {}),
  };
}
