import { canAccess, decodeTimeCursor, forbidden, pageSize } from "@retailer/kit";
import { Arg, Ctx, Directive, Field, FieldResolver, ID, Int, ObjectType, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import { countNotifications, findNotificationPage } from "../db/notification.repository.js";
import { DEFAULT_PREFERENCES } from "../preferences.js";
import { NotificationConnection, notificationPage } from "./notification.js";
import { NotificationPreferences } from "./preferences.js";

/** users' entity: notifications contributes the customer's messages and preferences. */
@Directive('@key(fields: "id")')
@ObjectType()
export class User {
  @Field(() => ID)
  id!: string;
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
    if (!canAccess(ctx.viewer, user.id)) return notificationPage([], limit, 0, false);
    const position = after ? decodeTimeCursor(after) : undefined;
    const filter = { userId: user.id };
    const [rows, totalCount] = await Promise.all([
      findNotificationPage(ctx.db, { filter, limit: limit + 1, ...(position ? { after: position } : {}) }),
      countNotifications(ctx.db, filter),
    ]);
    return notificationPage(rows, limit, totalCount, position !== undefined);
  }

  @FieldResolver(() => NotificationPreferences, {
    description: "(owner: notifications) The defaults (email yes, SMS no) until the customer chooses.",
  })
  async notificationPreferences(@Root() user: User, @Ctx() ctx: Context): Promise<NotificationPreferences> {
    if (!canAccess(ctx.viewer, user.id)) throw forbidden();
    const stored = await ctx.loaders.preferences.load(user.id);
    return stored ? { email: stored.email, sms: stored.sms } : { ...DEFAULT_PREFERENCES };
  }
}

export const userReference = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
};
