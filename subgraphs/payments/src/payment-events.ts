import type { PaymentRow, RefundRow } from "./db/database.js";

/** What payments publishes (consumed by orders and notifications), one builder per event. */

export interface PaymentSucceeded extends Record<string, unknown> {
  paymentId: string;
  orderId: string;
  amount: number;
  currency: string;
  provider: string;
}

export interface PaymentFailed extends Record<string, unknown> {
  paymentId: string;
  orderId: string;
  amount: number;
  currency: string;
  reason: string;
  customerId: string | null;
  email: string | null;
}

export interface PaymentRefunded extends Record<string, unknown> {
  paymentId: string;
  orderId: string;
  refundId: string;
  /** This refund. */
  amount: number;
  /** Every refund of the payment so far, this one included. */
  amountRefunded: number;
  currency: string;
  /** Nothing is left to refund. */
  full: boolean;
}

/** What payments consumes from orders. */
export interface OrderStatusChanged {
  orderId: string;
  customerId: string | null;
  email: string;
  from: string | null;
  to: string;
  currency: string;
  total: number;
  reason?: string | null;
}

export const paymentSucceeded = (payment: PaymentRow): PaymentSucceeded => ({
  paymentId: payment.id,
  orderId: payment.order_id,
  amount: payment.amount,
  currency: payment.currency,
  provider: payment.provider,
});

export const paymentFailed = (payment: PaymentRow): PaymentFailed => ({
  paymentId: payment.id,
  orderId: payment.order_id,
  amount: payment.amount,
  currency: payment.currency,
  reason: payment.failure_reason ?? "The payment failed.",
  customerId: payment.customer_id,
  email: payment.email,
});

/** `payment` as it is after the refund was counted. */
export const paymentRefunded = (payment: PaymentRow, refund: RefundRow): PaymentRefunded => ({
  paymentId: payment.id,
  orderId: payment.order_id,
  refundId: refund.id,
  amount: refund.amount,
  amountRefunded: payment.amount_refunded,
  currency: payment.currency,
  full: payment.amount_refunded >= payment.amount,
});
