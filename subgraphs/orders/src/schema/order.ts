import { canAccess, Money, money } from "@retailer/kit";
import {
  Ctx,
  Directive,
  Field,
  FieldResolver,
  ID,
  Int,
  ObjectType,
  Resolver,
  Root,
  registerEnumType,
} from "type-graphql";
import type { Context } from "../context.js";
import type { AddressJson, OrderLineRow, OrderRow, StatusChangeRow } from "../db/database.js";
import { orderNumber } from "../lifecycle.js";
import { ProductVariant, User } from "./references.js";

export enum OrderStatus {
  PENDING_PAYMENT = "PENDING_PAYMENT",
  PAID = "PAID",
  SHIPPED = "SHIPPED",
  DELIVERED = "DELIVERED",
  CANCELLED = "CANCELLED",
  REFUNDED = "REFUNDED",
}
registerEnumType(OrderStatus, { name: "OrderStatus" });

@ObjectType({ description: "Prices and names as they were when the order was placed." })
export class OrderLine {
  @Field(() => ID)
  id!: string;

  @Field(() => ProductVariant, { nullable: true })
  variant!: ProductVariant | null;

  @Field(() => String)
  productName!: string;

  @Field(() => String)
  variantName!: string;

  @Field(() => String)
  sku!: string;

  @Field(() => Int)
  quantity!: number;

  @Field(() => Money)
  unitPrice!: Money;

  @Field(() => Money)
  lineTotal!: Money;
}

@ObjectType()
export class OrderAddress {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  line1!: string;

  @Field(() => String, { nullable: true })
  line2!: string | null;

  @Field(() => String)
  city!: string;

  @Field(() => String, { nullable: true })
  region!: string | null;

  @Field(() => String)
  postalCode!: string;

  @Field(() => String)
  country!: string;

  @Field(() => String, { nullable: true })
  phone!: string | null;
}

@ObjectType()
export class OrderStatusChange {
  @Field(() => OrderStatus, { nullable: true })
  from!: OrderStatus | null;

  @Field(() => OrderStatus)
  to!: OrderStatus;

  @Field(() => Date)
  at!: Date;

  @Field(() => String, { nullable: true })
  note!: string | null;
}

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

  @Field(() => OrderAddress)
  shippingAddress!: AddressJson;

  @Field(() => String, { nullable: true })
  trackingNumber!: string | null;

  @Field(() => String, { nullable: true })
  carrier!: string | null;

  @Field(() => Date)
  placedAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  customerId!: string | null;
  currency!: string;
  /** Read through the guest's order access token (not only by owner or admin). */
  grantedByToken?: boolean;
}

export const toOrder = (row: OrderRow, grantedByToken = false): Order => {
  const currency = row.currency.trim();
  return {
    id: row.id,
    number: orderNumber(row.number),
    status: row.status as OrderStatus,
    customer: row.customer_id ? { id: row.customer_id } : null,
    email: row.email,
    subtotal: money(row.subtotal, currency),
    shipping: money(row.shipping, currency),
    tax: money(row.tax, currency),
    total: money(row.total, currency),
    shippingAddress: row.shipping_address,
    trackingNumber: row.tracking_number,
    carrier: row.carrier,
    placedAt: row.placed_at,
    updatedAt: row.updated_at,
    customerId: row.customer_id,
    currency,
    grantedByToken,
  };
};

const toLine = (row: OrderLineRow, currency: string): OrderLine => ({
  id: row.id,
  variant: { id: row.variant_id },
  productName: row.product_name,
  variantName: row.variant_name,
  sku: row.sku,
  quantity: row.quantity,
  unitPrice: money(row.unit_price, currency),
  lineTotal: money(row.line_total, currency),
});

const toChange = (row: StatusChangeRow): OrderStatusChange => ({
  from: row.from_status as OrderStatus | null,
  to: row.to_status as OrderStatus,
  at: row.at,
  note: row.note,
});

@Resolver(() => Order)
export class OrderFields {
  @FieldResolver(() => [OrderLine])
  async lines(@Root() order: Order, @Ctx() ctx: Context): Promise<OrderLine[]> {
    return (await ctx.loaders.linesOfOrder.load(order.id)).map((row) => toLine(row, order.currency));
  }

  @FieldResolver(() => [OrderStatusChange])
  async statusHistory(@Root() order: Order, @Ctx() ctx: Context): Promise<OrderStatusChange[]> {
    return (await ctx.loaders.historyOfOrder.load(order.id)).map(toChange);
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

/** Someone else's order looks exactly like a missing one. */
export const orderReference = {
  __resolveReference: async (ref: { id: string }, ctx: Context) => {
    const row = await ctx.loaders.order.load(ref.id);
    return row && canAccess(ctx.viewer, row.customer_id) ? toOrder(row) : null;
  },
};
