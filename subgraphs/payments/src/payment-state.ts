import type { PaymentStatus } from "./db/database.js";

/**
 * Where a payment may go from each status. Settlement, cancellation and
 * refunds all ask `canTransition` first; anything not listed is refused, so
 * a late or replayed provider event can never move a payment backwards
 * (a payment_failed after SUCCEEDED, a canceled after REFUNDED, ...).
 *
 * FAILED -> SUCCEEDED: Stripe lets the customer retry a declined
 * PaymentIntent with another card; when that retry succeeds, money was taken
 * and the record must say so.
 * PARTIALLY_REFUNDED -> PARTIALLY_REFUNDED: a further partial refund.
 */
export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  REQUIRES_PAYMENT: ["PROCESSING", "SUCCEEDED", "FAILED", "CANCELLED"],
  PROCESSING: ["SUCCEEDED", "FAILED", "CANCELLED"],
  FAILED: ["SUCCEEDED", "CANCELLED"],
  SUCCEEDED: ["PARTIALLY_REFUNDED", "REFUNDED"],
  PARTIALLY_REFUNDED: ["PARTIALLY_REFUNDED", "REFUNDED"],
  CANCELLED: [],
  REFUNDED: [],
};

export const canTransition = (from: PaymentStatus, to: PaymentStatus): boolean =>
  PAYMENT_TRANSITIONS[from].includes(to);

/** Money was taken and not all of it returned: a refund may be made. */
export const isRefundable = (status: PaymentStatus): boolean =>
  status === "SUCCEEDED" || status === "PARTIALLY_REFUNDED";

/** Not settled yet: a customer can still pay it, and it can still be cancelled. */
export const isOpen = (status: PaymentStatus): boolean => status === "REQUIRES_PAYMENT" || status === "PROCESSING";

/** The status after refunds totalling `amountRefunded` of `amount`. */
export const refundedStatus = (amount: number, amountRefunded: number): PaymentStatus =>
  amountRefunded >= amount ? "REFUNDED" : "PARTIALLY_REFUNDED";
