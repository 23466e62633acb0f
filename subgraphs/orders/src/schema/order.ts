import { canAccess, Money, money } from "@retailer/kit";
import {
  Arg,
  Ctx,
  Directive,
  Field,
  FieldResolver,
  ID,
  ObjectType,
  Query,
  Resolver,
  Root,
  registerEnumType,
} from "type-graphql";
import type { Context } from "../context.js";
import type { OrderRow } from "../db/database.js";
import { User } from "./user.js";

export enum OrderStatus {
  PENDING_PAYMENT = "PENDING_PAYMENT",
  PAID = "PAID",
  SHIPPED = "SHIPPED",
  DELIVERED = "DELIVERED",
  CANCELLED = "CANCELLED",
  REFUNDED = "REFUNDED",
}
registerEnumType(OrderStatus, { name: "OrderStatus" });

@Directive('@key(fields: "id")')
@ObjectType()
export class Order {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: "Human-friendly, sequential: e.g. R-000042." })
  number!: string;

  @Field(() => OrderStatus)
  status!: OrderStatus;

  @Field(() => User, { nullable: true, description: "Null for a guest order." })
  customer!: User | null;

  @Field(() => String)
  email!: string;

  @Field(() => Money)
  subtotal!: Money;

  @Field(() => Money)
  shipping!: Money;

  @Field(() => Money)
  tax!: Money;

  @Field(() => Money)
  total!: Money;

  @Field(() => String, { nullable: true })
  trackingNumber!: string | null;

  @Field(() => String, { nullable: true })
  carrier!: string | null;

  @Field(() => Date)
  placedAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  /** Read through the guest's order access token (not only by owner or admin). */
  grantedByToken?: boolean;
  customerId!: string | null;
}

export const orderNumber = (n: number): string => `R-${String(n).padStart(6, "0")}`;

export const toOrder = (row: OrderRow): Order => ({
  id: row.id,
  number: orderNumber(row.number),
  status: row.status as OrderStatus,
  customer: row.customer_id ? { id: row.customer_id } : null,
  email: row.email,
  subtotal: money(row.subtotal, row.currency),
  shipping: money(row.shipping, row.currency),
  tax: money(row.tax, row.currency),
  total: money(row.total, row.currency),
  trackingNumber: row.tracking_number,
  carrier: row.carrier,
  placedAt: row.placed_at,
  updatedAt: row.updated_at,
  customerId: row.customer_id,
});

/** Someone else's order looks exactly like a missing one. */
async function visibleOrder(ctx: Context, id: string): Promise<Order | null> {
  const row = await ctx.loaders.order.load(id);
  return row && canAccess(ctx.viewer, row.customer_id) ? toOrder(row) : null;
}

@Resolver(() => Order)
export class OrderResolver {
  @Query(() => Order, {
    nullable: true,
    description: "(orders) The caller's own order, any order for an admin, or a guest order with its access token.",
  })
  order(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<Order | null> {
    return visibleOrder(ctx, id);
  }

  @Directive("@inaccessible")
  @FieldResolver(() => Boolean, {
    description:
      "Internal: whether the caller may pay this order (its customer, or a guest holding its access token). payments @requires it to show clientSecret.",
  })
  viewerCanPay(@Root() order: Order, @Ctx() ctx: Context): boolean {
    if (order.grantedByToken) return true;
    return ctx.viewer !== null && ctx.viewer.role === "CUSTOMER" && ctx.viewer.id === order.customerId;
  }
}

export const orderReference = {
  __resolveReference: (ref: { id: string }, ctx: Context) => visibleOrder(ctx, ref.id),
};
