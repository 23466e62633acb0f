import { canAccess, decodeTimeCursor, PageInfo, pageSize, toPage } from "@retailer/kit";
import { Arg, Ctx, Directive, Field, FieldResolver, ID, Int, ObjectType, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import { countNotifications, findNotificationPage } from "../db/notification.repository.js";
import { Notification, toNotification } from "./notification.js";

/** users' entity: notifications contributes the customer's messages. */
@Directive('@key(fields: "id")')
@ObjectType()
export class User {
  @Field(() => ID)
  id!: string;
}

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

@Resolver(() => User)
export class UserNotificationsResolver {
  @FieldResolver(() => NotificationConnection, {
    description: "Messages sent to this customer, newest first. (owner: notifications)",
  })
  async notifications(
    @Root() user: User,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<NotificationConnection> {
    const limit = pageSize(first);
    // Someone else's messages look like none at all.
    if (!canAccess(ctx.viewer, user.id))
      return toPage([], limit, { cursor: () => [], node: toNotification, totalCount: 0, hasPrevious: false });
    const position = after ? decodeTimeCursor(after) : undefined;
    const [rows, totalCount] = await Promise.all([
      findNotificationPage(ctx.db, { userId: user.id, limit: limit + 1, ...(position ? { after: position } : {}) }),
      countNotifications(ctx.db, user.id),
    ]);
    return toPage(rows, limit, {
      cursor: (row) => [row.created_at.toISOString(), row.id],
      node: toNotification,
      totalCount,
      hasPrevious: position !== undefined,
    });
  }
}

export const userReference = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
};
