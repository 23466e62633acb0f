import Stripe from "stripe";
import { ProviderError } from "./provider-error.js";

type StripeSdkError = InstanceType<typeof Stripe.errors.StripeError>;

/** Stripe's own wording for card declines, chosen by us so no raw SDK text reaches a client. */
const declineMessages: Record<string, string> = {
  card_declined: "Your card was declined.",
  insufficient_funds: "Your card has insufficient funds.",
  expired_card: "Your card has expired.",
  incorrect_cvc: "Your card's security code is incorrect.",
  incorrect_number: "Your card number is incorrect.",
  processing_error: "An error occurred while processing your card. Try again in a little bit.",
};

const invalidRequestMessages: Record<string, string> = {
  amount_too_large: "The amount is more than what is left to refund.",
  amount_too_small: "The amount is below the payment provider's minimum.",
  charge_already_refunded: "The payment is already fully refunded.",
  payment_intent_unexpected_state: "The payment is not in a state that allows this.",
};

const unavailable = "Payments are unavailable right now. Try again shortly.";

/** Any error thrown by a Stripe SDK call -> ProviderError (see provider-error.ts for the codes). */
export function toProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (!(error instanceof Stripe.errors.StripeError)) {
    return new ProviderError("PAYMENT_UNAVAILABLE", unavailable, { retryable: false, cause: error });
  }
  const details = {
    providerCode: error.code ?? null,
    httpStatus: error.statusCode ?? null,
    requestId: error.requestId ?? null,
  };
  switch (error.type) {
    case "StripeCardError": {
      const declineCode = error.decline_code || null;
      const message =
        (declineCode && declineMessages[declineCode]) ?? declineMessages[error.code ?? ""] ?? "Your card was declined.";
      return new ProviderError("PAYMENT_FAILED", message, { ...details, retryable: false, declineCode });
    }
    case "StripeInvalidRequestError":
      if (error.statusCode === 404 || error.code === "resource_missing") {
        return new ProviderError("NOT_FOUND", "The payment provider does not know this payment.", {
          ...details,
          retryable: false,
        });
      }
      return new ProviderError(
        "PAYMENT_FAILED",
        invalidRequestMessages[error.code ?? ""] ?? "The payment provider refused this request.",
        { ...details, retryable: false },
      );
    case "StripeIdempotencyError":
      return new ProviderError("PAYMENT_FAILED", "The payment provider refused a conflicting repeat of a request.", {
        ...details,
        retryable: false,
      });
    case "StripeAuthenticationError":
    case "StripePermissionError":
      // Our credentials or configuration: nothing a retry or the client can fix.
      return new ProviderError("PAYMENT_UNAVAILABLE", unavailable, { ...details, retryable: false });
    case "StripeConnectionError":
      return new ProviderError(
        "PAYMENT_UNAVAILABLE",
        isTimeout(error) ? "The payment provider did not answer in time. Try again shortly." : unavailable,
        { ...details, retryable: true },
      );
    default:
      // StripeAPIError (5xx after the SDK's retries), StripeRateLimitError and anything newer.
      return new ProviderError("PAYMENT_UNAVAILABLE", unavailable, { ...details, retryable: true });
  }
}

function isTimeout(error: StripeSdkError): boolean {
  const detail = error.detail;
  return typeof detail === "object" && detail !== null && "code" in detail && detail.code === "ETIMEDOUT";
}
