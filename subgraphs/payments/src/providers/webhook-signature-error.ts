export type WebhookSignatureFailure = "missing_header" | "bad_signature" | "stale_timestamp" | "malformed_payload";

/** A webhook request that is not a verified, recent Stripe event: answer 400 and store nothing. */
export class WebhookSignatureError extends Error {
  readonly reason: WebhookSignatureFailure;

  constructor(reason: WebhookSignatureFailure, message: string) {
    super(message);
    this.name = "WebhookSignatureError";
    this.reason = reason;
  }
}
