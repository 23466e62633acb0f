import Stripe from "stripe";
import type { IgnoredEvent, ProviderEvent } from "./payment-event.js";
import { WebhookSignatureError } from "./webhook-signature-error.js";

export { WebhookSignatureError } from "./webhook-signature-error.js";

/**
 * Verifies a Stripe webhook on the raw request body (the exact bytes Stripe
 * sent; nothing may parse it first) and normalizes the event. The signature
 * must match `secret` and be at most `toleranceSeconds` old.
 *
 * Throws WebhookSignatureError (answer 400, store nothing) for a missing
 * header, a bad signature, a stale timestamp, a tampered or re-serialized
 * body. Any other error is ours: `secret` not configured (answer 500 so
 * Stripe delivers again later).
 */
export function verifyStripeWebhook(
  rawBody: Buffer | string,
  signatureHeader: string | undefined,
  secret: string,
  toleranceSeconds = 300,
): ProviderEvent {
  if (!secret.trim()) throw new Error("STRIPE_WEBHOOK_SECRET is not set: webhooks cannot be verified.");
  if (!(toleranceSeconds > 0)) throw new RangeError("toleranceSeconds must be positive.");
  if (!signatureHeader) throw new WebhookSignatureError("missing_header", "Missing Stripe-Signature header.");
  return normalizeStripeEvent(constructEvent(rawBody, signatureHeader, secret, toleranceSeconds));
}

function constructEvent(rawBody: Buffer | string, header: string, secret: string, tolerance: number): Stripe.Event {
  try {
    return Stripe.webhooks.constructEvent(rawBody, header, secret, tolerance);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
      if (error.message.startsWith("Timestamp outside the tolerance zone")) {
        throw new WebhookSignatureError("stale_timestamp", "Webhook signature timestamp is too old.");
      }
      throw new WebhookSignatureError("bad_signature", "Webhook signature verification failed.");
    }
    // Signed with our secret but not JSON: only someone holding the secret can send this.
    if (error instanceof SyntaxError) {
      throw new WebhookSignatureError("malformed_payload", "Webhook payload is not a JSON event.");
    }
    throw error;
  }
}

/** A verified Stripe event -> the normalized shape the service acts on. */
export function normalizeStripeEvent(event: Stripe.Event): ProviderEvent {
  const ignore = (reason: string): IgnoredEvent => ({ ignored: true, id: event.id, type: event.type, reason });
  const base = {
    ignored: false as const,
    id: event.id,
    provider: "STRIPE" as const,
    createdAt: new Date(event.created * 1000),
  };
  switch (event.type) {
    case "payment_intent.succeeded": {
      const intent = event.data.object;
      return { ...base, type: event.type, providerRef: intent.id, amount: intent.amount_received ?? intent.amount };
    }
    case "payment_intent.payment_failed": {
      const intent = event.data.object;
      const failureReason = intent.last_payment_error?.message ?? "The payment failed.";
      return { ...base, type: event.type, providerRef: intent.id, amount: intent.amount, failureReason };
    }
    case "payment_intent.canceled": {
      const intent = event.data.object;
      return { ...base, type: event.type, providerRef: intent.id, amount: intent.amount };
    }
    case "charge.refunded": {
      const charge = event.data.object;
      const intent = charge.payment_intent;
      const providerRef = typeof intent === "string" ? intent : (intent?.id ?? null);
      if (!providerRef) return ignore("charge without a PaymentIntent");
      return { ...base, type: event.type, providerRef, amount: charge.amount, amountRefunded: charge.amount_refunded };
    }
    default:
      return ignore("event type not handled");
  }
}
