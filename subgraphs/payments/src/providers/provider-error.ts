/**
 * PAYMENT_FAILED: the provider refused this payment or request (card
 * declined, invalid amount, refund above what is left): retrying the same
 * request will not help.
 * PAYMENT_UNAVAILABLE: the provider could not be used (network, timeout, its
 * 5xx after the SDK's retries, our credentials or configuration).
 * NOT_FOUND: the provider does not know this payment.
 */
export type ProviderErrorCode = "PAYMENT_FAILED" | "PAYMENT_UNAVAILABLE" | "NOT_FOUND";

export interface ProviderErrorDetails {
  retryable: boolean;
  /** The provider's own error code (e.g. card_declined, resource_missing), for logs. */
  providerCode?: string | null;
  /** Card declines: the issuer's reason (e.g. insufficient_funds), for logs. */
  declineCode?: string | null;
  httpStatus?: number | null;
  /** The provider's request id, to find the request in its dashboard. */
  requestId?: string | null;
  /** Only for errors that did not come from the provider's API (a bug or a misuse of the SDK). */
  cause?: unknown;
}

/**
 * A provider failure with a message safe to show a client: it never holds the
 * secret key nor the SDK's raw error.
 */
export class ProviderError extends Error {
  readonly code: ProviderErrorCode;
  readonly retryable: boolean;
  readonly providerCode: string | null;
  readonly declineCode: string | null;
  readonly httpStatus: number | null;
  readonly requestId: string | null;

  constructor(code: ProviderErrorCode, message: string, details: ProviderErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "ProviderError";
    this.code = code;
    this.retryable = details.retryable;
    this.providerCode = details.providerCode ?? null;
    this.declineCode = details.declineCode ?? null;
    this.httpStatus = details.httpStatus ?? null;
    this.requestId = details.requestId ?? null;
  }
}
