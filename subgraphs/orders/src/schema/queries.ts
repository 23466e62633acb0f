import { canAccess, isUuid } from "@retailer/kit";
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import { verifyOrderAccessToken } from "../access-token.js";
import type { Context } from "../context.js";
import { emptyPage, OrderConnection, OrderFilter, orderPage } from "./connection.js";
import { Order, toOrder } from "./order.js";
import { User } from "./references.js";

@ArgsType()
class PageArgs {
  @Field(() => Int, { nullable: true, defaultValue: 20 })
  first!: number | null;

  @Field(() => String, { nullable: true })
  after!: string | null;
}

/** The order if the caller may read it: its customer, an admin or a service, or a guest with its token. */
export async function readableOrder(ctx: Context, id: string, accessToken?: string | null): Promise<Order | null> {
  if (!isUuid(id)) return null;
  const row = await ctx.loaders.order.load(id);
  if (!row) return null;
  if (canAccess(ctx.viewer, row.customer_id)) return toOrder(row);
  if (verifyOrderAccessToken(ctx.services.tokenSecret, row.id, accessToken)) return toOrder(row, true);
  return null;
}

@Resolver()
export class OrderQueries {
  @Query(() => Order, {
    nullable: true,
    description: "(orders) The caller's own order, any order for an admin, or a guest order with its access token.",
  })
  order(
    @Ctx() ctx: Context,
    @Arg("id", () => ID) id: string,
    @Arg("accessToken", () => String, { nullable: true }) accessToken: string | null,
  ): Promise<Order | null> {
    return readableOrder(ctx, id, accessToken);
  }

  @Query(() => OrderConnection, { description: "(orders) Admin: all orders; customer: their own." })
  orders(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Arg("filter", () => OrderFilter, { nullable: true }) filter: OrderFilter | null,
  ): Promise<OrderConnection> {
    return orderPage(ctx, { first, after, filter });
  }
}

@Resolver(() => User)
export class UserOrders {
  @FieldResolver(() => OrderConnection, { description: "Order history, newest first. (owner: orders)" })
  orders(
    @Root() user: User,
    @Ctx() ctx: Context,
    @Args(() => PageArgs) { first, after }: PageArgs,
  ): Promise<OrderConnection> {
    if (!canAccess(ctx.viewer, user.id)) return Promise.resolve(emptyPage(20));
    return orderPage(ctx, { first, after, customerId: user.id });
  }
}

export const userReference = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
};
