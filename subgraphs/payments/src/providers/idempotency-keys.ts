/**
 * Idempotency keys the service passes to a provider. A provider answers a
 * repeated key with the first result, so a retry after a crash or a timeout
 * never charges, cancels or refunds twice. Stripe keeps keys for 24 hours and
 * refuses a key reused with different parameters.
 */

/** One payment per order and amount: a changed order total gets a new payment. */
export const intentIdempotencyKey = (orderId: string, amount: number): string => `pi-${orderId}-${amount}`;

export const cancelIdempotencyKey = (providerRef: string): string => `pi-cancel-${providerRef}`;

/** `refundId` is the service's own refund id, chosen before calling the provider and reused on retry. */
export const refundIdempotencyKey = (refundId: string): string => `re-${refundId}`;
