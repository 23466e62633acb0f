import type { ProviderName } from "./provider.js";

/** The provider events the payments service acts on. */
export type PaymentEventType =
  | "payment_intent.succeeded"
  | "payment_intent.payment_failed"
  | "payment_intent.canceled"
  | "charge.refunded";

/**
 * A verified provider event, normalized: a Stripe webhook (webhook.ts) and a
 * TEST settlement (test-provider.ts) both produce this, so the service settles
 * payments through one code path.
 */
export interface PaymentEvent {
  ignored: false;
  /** The provider's event id: handle each one once. */
  id: string;
  type: PaymentEventType;
  provider: ProviderName;
  /** The payment's id at the provider (PaymentIntent id). */
  providerRef: string;
  /** succeeded: amount received; payment_failed / canceled / charge.refunded: the payment's amount. */
  amount?: number;
  /** charge.refunded: the total refunded so far (cumulative, not this refund alone). */
  amountRefunded?: number;
  /** payment_failed: the provider's reason, safe to show the customer. */
  failureReason?: string;
  /** When the provider created the event: events may arrive out of order. */
  createdAt: Date;
}

/** An event verified but of a type (or shape) the service does not act on: acknowledge it. */
export interface IgnoredEvent {
  ignored: true;
  id: string;
  type: string;
  reason: string;
}

export type ProviderEvent = PaymentEvent | IgnoredEvent;
