import { type UserErrorShape, UserErrors, userError } from "@retailer/kit";
import { ProviderError } from "./providers/index.js";

/**
 * A provider failure as the client sees it: PAYMENT_FAILED when the
 * provider refused (a decline, an amount it will not take, a payment it
 * does not know), PAYMENT_UNAVAILABLE when it could not be reached or
 * answered with its own failure. Messages are ProviderError's, chosen to be
 * safe to show.
 */
export function providerUserError(error: ProviderError, field?: string[]): UserErrorShape {
  return userError(
    error.code === "PAYMENT_UNAVAILABLE" ? "PAYMENT_UNAVAILABLE" : "PAYMENT_FAILED",
    error.message,
    field,
  );
}

/** Runs a provider call; a ProviderError becomes UserErrors, anything else (a bug) is thrown as is. */
export async function atProvider<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ProviderError) throw new UserErrors(providerUserError(error));
    throw error;
  }
}

/**
 * Whether the provider may have done what it was asked although it did not
 * say so (a timeout, a lost connection, its 5xx): the request must be
 * repeated with the same idempotency key, never given up as not done.
 */
export const outcomeUnknown = (error: ProviderError): boolean =>
  error.code === "PAYMENT_UNAVAILABLE" && error.retryable;
