import type { PaymentStatus } from "./db/database.js";
import { canTransition, isRefundable } from "./payment-state.js";
import type { PaymentEvent } from "./providers/index.js";

/** What a provider event does to a payment: decided here, carried out by Payments.settle. */
export type SettlementPlan =
  | {
      kind: "status";
      to: PaymentStatus;
      failureReason?: string;
      publish: "payment.succeeded" | "payment.failed" | null;
    }
  /** charge.refunded: the provider says `amountRefunded` in total was refunded. */
  | { kind: "refunded"; amountRefunded: number }
  | { kind: "none"; reason: string };

interface PaymentState {
  status: PaymentStatus;
  amount: number;
  amount_refunded: number;
}

/**
 * The plan for one verified provider event (a Stripe webhook or a TEST
 * settlement, normalized alike). Events may come late, twice or out of
 * order: the state machine refuses every backward move, so a late
 * payment_failed leaves a SUCCEEDED payment as it is, and a refund total
 * below what is already counted changes nothing.
 */
export function planSettlement(payment: PaymentState, event: PaymentEvent): SettlementPlan {
  switch (event.type) {
    case "payment_intent.succeeded":
      return canTransition(payment.status, "SUCCEEDED")
        ? { kind: "status", to: "SUCCEEDED", publish: "payment.succeeded" }
        : { kind: "none", reason: `a ${payment.status} payment cannot become SUCCEEDED` };
    case "payment_intent.payment_failed":
      // A second failed attempt of a FAILED payment is not news.
      return payment.status !== "FAILED" && canTransition(payment.status, "FAILED")
        ? {
            kind: "status",
            to: "FAILED",
            failureReason: event.failureReason ?? "The payment failed.",
            publish: "payment.failed",
          }
        : { kind: "none", reason: `a ${payment.status} payment does not become FAILED` };
    case "payment_intent.canceled":
      return canTransition(payment.status, "CANCELLED")
        ? { kind: "status", to: "CANCELLED", publish: null }
        : { kind: "none", reason: `a ${payment.status} payment cannot become CANCELLED` };
    case "charge.refunded": {
      const total = Math.min(event.amountRefunded ?? 0, payment.amount);
      if (!isRefundable(payment.status)) return { kind: "none", reason: `a ${payment.status} payment has no refunds` };
      return total > payment.amount_refunded
        ? { kind: "refunded", amountRefunded: total }
        : { kind: "none", reason: "every refund the provider reports is already counted" };
    }
  }
}

/**
 * Which of our refunds the provider's larger refund total accounts for:
 * refunds still waiting for the provider's answer (oldest first, each only
 * if it fits), and what remains was refunded at the provider directly
 * (e.g. in Stripe's dashboard).
 */
export function matchProviderRefunds(
  newlyRefunded: number,
  requested: readonly { id: string; amount: number }[],
): { settled: string[]; external: number } {
  let left = newlyRefunded;
  const settled: string[] = [];
  for (const refund of requested) {
    if (refund.amount <= left) {
      settled.push(refund.id);
      left -= refund.amount;
    }
  }
  return { settled, external: left };
}
