import { UserErrors, userError } from "@retailer/kit";
import type { PaymentStatus } from "./db/database.js";
import { isRefundable } from "./payment-state.js";

export const REFUND_REASON_MAX = 500;

/** What is left to refund: the amount less what was refunded and what refunds in flight hold back. */
export const refundableAmount = (payment: { amount: number; amount_refunded: number }, reserved: number): number =>
  Math.max(0, payment.amount - payment.amount_refunded - reserved);

/** Checks an admin's refund request before anything is sent; without an amount, everything left. */
export function checkRefund(
  payment: { status: PaymentStatus; amount: number; amount_refunded: number },
  reserved: number,
  request: { amount?: number | null; reason?: string | null },
): number {
  if (request.reason != null && request.reason.length > REFUND_REASON_MAX) {
    throw new UserErrors(
      userError("INVALID_INPUT", `The reason can have at most ${REFUND_REASON_MAX} characters.`, ["reason"]),
    );
  }
  if (request.amount != null && (!Number.isInteger(request.amount) || request.amount <= 0)) {
    throw new UserErrors(userError("INVALID_INPUT", "The amount must be a positive whole number.", ["amount"]));
  }
  if (!isRefundable(payment.status)) {
    const why = payment.status === "REFUNDED" ? "It is already fully refunded." : `Its status is ${payment.status}.`;
    throw new UserErrors(userError("ILLEGAL_STATE", `Only a succeeded payment can be refunded. ${why}`, ["paymentId"]));
  }
  const left = refundableAmount(payment, reserved);
  if (left === 0) {
    throw new UserErrors(
      userError("ILLEGAL_STATE", "Nothing is left to refund: earlier refunds are still being processed.", [
        "paymentId",
      ]),
    );
  }
  const amount = request.amount ?? left;
  if (amount > left) {
    throw new UserErrors(
      userError("INVALID_INPUT", `At most ${left} is left to refund (in minor units of the currency).`, ["amount"]),
    );
  }
  return amount;
}
