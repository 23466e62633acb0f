export type ProviderName = "STRIPE" | "TEST";

/** Where a payment stands at the provider: the part of our PaymentStatus a provider can report. */
export type IntentStatus = "REQUIRES_PAYMENT" | "PROCESSING" | "SUCCEEDED" | "FAILED" | "CANCELLED";

/** Where a refund stands at the provider. */
export type RefundStatus = "PENDING" | "SUCCEEDED" | "FAILED" | "CANCELLED";

export interface CreateIntentInput {
  orderId: string;
  /** In minor units of the currency, e.g. 1999 = 19.99 USD. */
  amount: number;
  /** ISO 4217 code, any case. */
  currency: string;
  customerEmail?: string | null;
  /** Same key and same input: the provider answers the first result again (see idempotency-keys.ts). */
  idempotencyKey: string;
}

/** A payment as the provider sees it. */
export interface ProviderIntent {
  providerRef: string;
  status: IntentStatus;
  amount: number;
  /** Upper case, as stored by the service. */
  currency: string;
  /** The provider's reason of the last failed attempt, if any. */
  failureReason: string | null;
}

export interface CreatedIntent extends ProviderIntent {
  /** Handed to the order's customer only (Stripe.js, or confirmTestPayment). */
  clientSecret: string;
}

export interface RefundInput {
  providerRef: string;
  /** In minor units; the service checks it against what is left to refund. */
  amount: number;
  reason?: string | null;
  idempotencyKey: string;
}

export interface ProviderRefund {
  refundRef: string;
  status: RefundStatus;
  amount: number;
}

/**
 * What the payments service asks of a payment provider. Every method either
 * resolves or rejects with a ProviderError (provider-error.ts).
 */
export interface PaymentProvider {
  readonly name: ProviderName;
  createIntent(input: CreateIntentInput): Promise<CreatedIntent>;
  retrieve(providerRef: string): Promise<ProviderIntent>;
  /**
   * Resolves to the payment after the attempt: CANCELLED, or, when it was too
   * late to cancel (already SUCCEEDED), the status it has, so the caller
   * refunds instead.
   */
  cancel(providerRef: string, idempotencyKey: string): Promise<ProviderIntent>;
  refund(input: RefundInput): Promise<ProviderRefund>;
}
