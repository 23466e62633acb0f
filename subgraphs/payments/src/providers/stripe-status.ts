import type { IntentStatus, RefundStatus } from "./provider.js";

/**
 * Stripe PaymentIntent status -> ours. A PaymentIntent whose attempt failed
 * goes back to requires_payment_method (the customer may try another card),
 * so FAILED comes only from the payment_intent.payment_failed event.
 * requires_capture (funds authorized, not captured) is not settled yet.
 * An unknown status settles nothing: PROCESSING.
 */
export function toIntentStatus(stripeStatus: string): IntentStatus {
  switch (stripeStatus) {
    case "requires_payment_method":
    case "requires_confirmation":
    case "requires_action":
      return "REQUIRES_PAYMENT";
    case "succeeded":
      return "SUCCEEDED";
    case "canceled":
      return "CANCELLED";
    default:
      return "PROCESSING";
  }
}

/** Stripe Refund status (pending, requires_action, succeeded, failed, canceled) -> ours. */
export function toRefundStatus(stripeStatus: string | null): RefundStatus {
  switch (stripeStatus) {
    case "succeeded":
      return "SUCCEEDED";
    case "failed":
      return "FAILED";
    case "canceled":
      return "CANCELLED";
    default:
      return "PENDING";
  }
}
