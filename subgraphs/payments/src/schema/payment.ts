import { canAccess, Money, money } from "@retailer/kit";
import { Ctx, Directive, Field, FieldResolver, ID, ObjectType, Resolver, Root, registerEnumType } from "type-graphql";
import type { Context } from "../context.js";
import type { PaymentRow } from "../db/database.js";

export enum PaymentProvider {
  STRIPE = "STRIPE",
  TEST = "TEST",
}
registerEnumType(PaymentProvider, {
  name: "PaymentProvider",
  valuesConfig: { TEST: { description: "Built-in provider for development, demos and tests; refused in production." } },
});

export enum PaymentStatus {
  REQUIRES_PAYMENT = "REQUIRES_PAYMENT",
  PROCESSING = "PROCESSING",
  SUCCEEDED = "SUCCEEDED",
  FAILED = "FAILED",
  CANCELLED = "CANCELLED",
  PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED",
  REFUNDED = "REFUNDED",
}
registerEnumType(PaymentStatus, { name: "PaymentStatus" });

/** orders' entity: payments contributes `payment` to it. */
@Directive('@key(fields: "id")')
@ObjectType()
export class Order {
  @Field(() => ID)
  id!: string;
}

@Directive('@key(fields: "id")')
@ObjectType()
export class Payment {
  @Field(() => ID)
  id!: string;

  @Field(() => Order)
  order!: Order;

  @Field(() => PaymentProvider)
  provider!: PaymentProvider;

  @Field(() => PaymentStatus)
  status!: PaymentStatus;

  @Field(() => Money)
  amount!: Money;

  @Field(() => Money)
  amountRefunded!: Money;

  @Field(() => String, { nullable: true })
  failureReason!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

export const toPayment = (row: PaymentRow): Payment => ({
  id: row.id,
  order: { id: row.order_id },
  provider: row.provider as PaymentProvider,
  status: row.status as PaymentStatus,
  amount: money(row.amount, row.currency),
  amountRefunded: money(row.amount_refunded, row.currency),
  failureReason: row.failure_reason,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

@Resolver(() => Order)
export class OrderPaymentResolver {
  @FieldResolver(() => Payment, { nullable: true, description: "(owner: payments)" })
  async payment(@Root() order: Order, @Ctx() ctx: Context): Promise<Payment | null> {
    const row = await ctx.loaders.paymentOfOrder.load(order.id);
    return row && toPayment(row);
  }
}

/**
 * Orders are owner-checked by the orders subgraph before the router asks for
 * their payment, so an Order reference here carries only the id.
 */
export const orderReference = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
};

export const paymentReference = {
  __resolveReference: async (ref: { id: string }, ctx: Context) => {
    const row = await ctx.loaders.payment.load(ref.id);
    return row && canAccess(ctx.viewer, row.customer_id) ? toPayment(row) : null;
  },
};
