import { canAccess, Money, money } from "@retailer/kit";
import { Ctx, Directive, Field, FieldResolver, ID, ObjectType, Resolver, Root, registerEnumType } from "type-graphql";
import type { Context } from "../context.js";
import type { PaymentRow, RefundRow } from "../db/database.js";

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

/**
 * orders' entity: payments contributes `payment`, and needs orders'
 * internal `viewerCanPay` (the order's customer, or a guest holding its
 * access token) to decide who sees clientSecret.
 */
@Directive('@key(fields: "id")')
@ObjectType()
export class Order {
  @Field(() => ID)
  id!: string;

  @Directive("@external")
  @Field(() => Boolean)
  viewerCanPay?: boolean;
}

@Directive('@key(fields: "id")')
@ObjectType()
export class Refund {
  @Field(() => ID)
  id!: string;

  @Field(() => Money)
  amount!: Money;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => String, {
    description:
      "REQUESTED (sent, the provider's answer outstanding), PENDING (accepted, completing at the provider), SUCCEEDED or FAILED.",
  })
  status!: string;

  @Field(() => Date)
  createdAt!: Date;
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

  @Field(() => String, {
    nullable: true,
    description:
      "For the order's customer only: hand to Stripe.js (STRIPE) or to confirmTestPayment (TEST). Null for everyone else, admins included, and outside Order.payment.",
  })
  clientSecret!: string | null;

  @Field(() => String, { nullable: true })
  failureReason!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

/** `canPay`: the viewer may pay this payment's order (orders' viewerCanPay); only then is clientSecret shown. */
export const toPayment = (row: PaymentRow, canPay = false): Payment => ({
  id: row.id,
  order: { id: row.order_id },
  provider: row.provider as PaymentProvider,
  status: row.status as PaymentStatus,
  amount: money(row.amount, row.currency.trim()),
  amountRefunded: money(row.amount_refunded, row.currency.trim()),
  clientSecret: canPay ? row.client_secret : null,
  failureReason: row.failure_reason,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export const toRefund = (row: RefundRow, currency: string): Refund => ({
  id: row.id,
  amount: money(row.amount, currency),
  reason: row.reason,
  status: row.status,
  createdAt: row.created_at,
});

@Resolver(() => Order)
export class OrderPaymentResolver {
  @Directive('@requires(fields: "viewerCanPay")')
  @FieldResolver(() => Payment, { nullable: true, description: "(owner: payments)" })
  async payment(@Root() order: Order, @Ctx() ctx: Context): Promise<Payment | null> {
    const row = await ctx.loaders.paymentOfOrder.load(order.id);
    return row && toPayment(row, order.viewerCanPay === true);
  }
}

@Resolver(() => Payment)
export class PaymentResolver {
  @FieldResolver(() => [Refund], { description: "Oldest first." })
  async refunds(@Root() payment: Payment, @Ctx() ctx: Context): Promise<Refund[]> {
    return (await ctx.loaders.refundsOfPayment.load(payment.id)).map((r) => toRefund(r, payment.amount.currencyCode));
  }
}

/**
 * Orders are owner-checked by the orders subgraph before the router asks for
 * their payment; the router brings orders' viewerCanPay along (@requires).
 */
export const orderReference = {
  __resolveReference: (ref: { id: string; viewerCanPay?: boolean }): Order => ({
    id: ref.id,
    viewerCanPay: ref.viewerCanPay === true,
  }),
};

/** Someone else's payment looks like a missing one. */
export const paymentReference = {
  __resolveReference: async (ref: { id: string }, ctx: Context) => {
    const row = await ctx.loaders.payment.load(ref.id);
    return row && canAccess(ctx.viewer, row.customer_id) ? toPayment(row) : null;
  },
};

export const refundReference = {
  __resolveReference: async (ref: { id: string }, ctx: Context) => {
    const refund = await ctx.loaders.refund.load(ref.id);
    const payment = refund && (await ctx.loaders.payment.load(refund.payment_id));
    return refund && payment && canAccess(ctx.viewer, payment.customer_id)
      ? toRefund(refund, payment.currency.trim())
      : null;
  },
};
