import {
  badInput,
  canAccess,
  decodeTimeCursor,
  isAdmin,
  PageInfo,
  pageSize,
  requireViewer,
  toPage,
} from "@retailer/kit";
import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import type { Context } from "../context.js";
import type { OrderStatus as Status } from "../db/database.js";
import { countOrders, findOrderPage, type OrderPageQuery } from "../db/order.repository.js";
import { Order, OrderStatus, toOrder } from "./order.js";

@ObjectType()
export class OrderEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Order)
  node!: Order;
}

@ObjectType()
export class OrderConnection {
  @Field(() => [OrderEdge])
  edges!: OrderEdge[];

  @Field(() => [Order])
  nodes!: Order[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}

@InputType()
export class OrderFilter {
  @Field(() => OrderStatus, { nullable: true })
  status?: OrderStatus | null;

  @Field(() => ID, { nullable: true, description: "Admin only." })
  customerId?: string | null;
}

/**
 * Orders newest first. Admins see all (optionally one customer's); a
 * customer sees their own; nobody else sees any.
 */
export async function orderPage(
  ctx: Context,
  args: { first: number | null; after: string | null; filter?: OrderFilter | null; customerId?: string },
): Promise<OrderConnection> {
  const limit = pageSize(args.first);
  const viewer = requireViewer(ctx.viewer);
  let customerId = args.customerId ?? args.filter?.customerId ?? undefined;
  if (!isAdmin(viewer)) {
    if (customerId && customerId !== viewer.id) throw badInput("customerId is for admins.", ["filter", "customerId"]);
    customerId = viewer.id;
  }
  if (customerId && !canAccess(viewer, customerId)) return emptyPage(limit);
  const query: OrderPageQuery = { limit: limit + 1 };
  if (customerId) query.customerId = customerId;
  if (args.filter?.status) query.status = args.filter.status as Status;
  if (args.after) {
    const { createdAt, id } = decodeTimeCursor(args.after);
    query.after = { placedAt: createdAt, id };
  }
  const [rows, totalCount] = await Promise.all([findOrderPage(ctx.db, query), countOrders(ctx.db, query)]);
  return toPage(rows, limit, {
    cursor: (row) => [row.placed_at.toISOString(), row.id],
    node: (row) => toOrder(row),
    totalCount,
    hasPrevious: query.after !== undefined,
  });
}

export const emptyPage = (limit: number): OrderConnection =>
  toPage([], limit, { cursor: () => [], node: toOrder, totalCount: 0, hasPrevious: false });
