import { type EventBus, isUuid, type Kysely, type Logger, UserErrors, userError } from "@retailer/kit";
import type { PaymentRow, PaymentsDatabase, RefundRow } from "./db/database.js";
import { findPaymentById, lockPayment, updatePayment } from "./db/payment.repository.js";
import {
  deleteRequestedRefund,
  findCancellationRefund,
  findRequestedRefunds,
  insertCancellationRefundIfAbsent,
  insertRefund,
  lockRefund,
  reservedRefundAmount,
  updateRefund,
} from "./db/refund.repository.js";
import { paymentRefunded } from "./payment-events.js";
import { canTransition, isRefundable, refundedStatus } from "./payment-state.js";
import { outcomeUnknown, providerUserError } from "./provider-failures.js";
import { type PaymentProvider, ProviderError, type ProviderRefund, refundIdempotencyKey } from "./providers/index.js";
import { checkRefund, refundableAmount } from "./refund-rules.js";

export interface PaymentsDeps {
  db: Kysely<PaymentsDatabase>;
  bus: EventBus;
  provider: PaymentProvider;
  log: Logger;
  /** retailer_payments_total{outcome}: counts payments that succeeded, failed or were refunded. */
  count?: (outcome: "succeeded" | "failed" | "refunded") => void;
}

/** What became of a refund sent to the provider. */
type SendOutcome =
  | { kind: "counted"; payment: PaymentRow }
  /** The provider refused: nothing was refunded. */
  | { kind: "refused"; error: ProviderError }
  /** No answer (timeout, its 5xx): it may have been refunded; the refund stays REQUESTED. */
  | { kind: "unknown"; error: ProviderError };

const notFound = () => new UserErrors(userError("NOT_FOUND", "No such payment.", ["paymentId"]));

/**
 * Refunds. Each refund is a row first (REQUESTED, its amount held back so
 * two refunds can never exceed the payment), then a provider call outside
 * any transaction with an idempotency key made from the row's id, then the
 * count (amount refunded, PARTIALLY_REFUNDED or REFUNDED, payment.refunded)
 * in one transaction. A refund whose answer never came stays REQUESTED and
 * is resent with the same key later, so it is never made twice.
 */
export class Refunds {
  constructor(private readonly deps: PaymentsDeps) {}

  /** An admin's refund: `amount` (default: everything left) of a succeeded payment. */
  async refund(paymentId: string, request: { amount?: number | null; reason?: string | null }): Promise<PaymentRow> {
    if (!isUuid(paymentId)) throw notFound();
    const reason = request.reason?.trim() || null;
    // Earlier refunds of this payment that got no answer go first, with their own keys.
    await this.resumeRequested(paymentId);
    const { payment, refund } = await this.deps.db.transaction().execute(async (trx) => {
      const payment = await lockPayment(trx, paymentId);
      if (!payment) throw notFound();
      const reserved = await reservedRefundAmount(trx, paymentId);
      const amount = checkRefund(payment, reserved, { amount: request.amount ?? null, reason });
      const refund = await insertRefund(trx, {
        payment_id: paymentId,
        amount,
        reason,
        status: "REQUESTED",
        origin: "ADMIN",
        provider_ref: null,
      });
      return { payment, refund };
    });
    const outcome = await this.send(payment, refund);
    if (outcome.kind === "counted") return outcome.payment;
    if (outcome.kind === "refused") {
      await this.#giveUp(refund);
      throw new UserErrors(providerUserError(outcome.error, ["paymentId"]));
    }
    throw new UserErrors(
      userError(
        "PAYMENT_UNAVAILABLE",
        `${outcome.error.message} The refund of ${refund.amount} stays REQUESTED until the payment provider confirms it; ` +
          "it is never made twice: asking for a refund of this payment again first resends it with the same idempotency key.",
        ["paymentId"],
      ),
    );
  }

  /** The automatic refund of everything left when a paid order is cancelled: one per payment, however often asked. */
  async refundCancelledOrder(paymentId: string, reason: string): Promise<void> {
    const refund = await this.deps.db.transaction().execute(async (trx) => {
      const payment = await lockPayment(trx, paymentId);
      const existing = await findCancellationRefund(trx, paymentId);
      if (existing || !payment || !isRefundable(payment.status)) return existing ?? null;
      const amount = refundableAmount(payment, await reservedRefundAmount(trx, paymentId));
      if (amount === 0) return null;
      return (await insertCancellationRefundIfAbsent(trx, { payment_id: paymentId, amount, reason })) ?? null;
    });
    if (refund?.status !== "REQUESTED") return;
    const payment = await findPaymentById(this.deps.db, paymentId);
    if (!payment) return;
    const outcome = await this.send(payment, refund);
    if (outcome.kind === "refused") {
      this.deps.log.error(
        { paymentId, refundId: refund.id, err: outcome.error },
        "the payment provider refused the refund of a cancelled order: refund it by hand",
      );
      await this.#giveUp(refund);
    } else if (outcome.kind === "unknown") {
      // The event is delivered again later: the same refund is resent with the same key.
      throw new Error(`refund ${refund.id} of payment ${paymentId} got no answer from the provider; retrying`, {
        cause: outcome.error,
      });
    }
  }

  /** Resends the payment's refunds that got no answer (same idempotency keys) and counts those that went through. */
  async resumeRequested(paymentId: string): Promise<void> {
    const requested = await findRequestedRefunds(this.deps.db, paymentId);
    if (requested.length === 0) return;
    const payment = await findPaymentById(this.deps.db, paymentId);
    if (!payment) return;
    for (const refund of requested) {
      const outcome = await this.send(payment, refund);
      if (outcome.kind === "refused") await this.#giveUp(refund);
    }
  }

  /** Sends one REQUESTED refund to the provider and, when it went through, counts it. */
  async send(payment: PaymentRow, refund: RefundRow): Promise<SendOutcome> {
    const { provider, log } = this.deps;
    if (payment.provider !== provider.name || !payment.provider_ref) {
      return {
        kind: "refused",
        error: new ProviderError(
          "PAYMENT_UNAVAILABLE",
          `This payment was taken with the ${payment.provider} provider, which this server is not configured for.`,
          { retryable: false },
        ),
      };
    }
    let answer: ProviderRefund;
    try {
      answer = await provider.refund({
        providerRef: payment.provider_ref,
        amount: refund.amount,
        reason: refund.reason,
        idempotencyKey: refundIdempotencyKey(refund.id),
      });
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      log.warn({ err: error, paymentId: payment.id, refundId: refund.id }, "refund failed at the provider");
      return outcomeUnknown(error) ? { kind: "unknown", error } : { kind: "refused", error };
    }
    if (answer.status === "FAILED" || answer.status === "CANCELLED") {
      return {
        kind: "refused",
        error: new ProviderError("PAYMENT_FAILED", "The payment provider could not make this refund.", {
          retryable: false,
        }),
      };
    }
    return { kind: "counted", payment: await this.#count(payment.id, refund.id, answer) };
  }

  /**
   * Adds `refund` (already PENDING or SUCCEEDED) to the payment inside `trx`:
   * amount refunded, status, and payment.refunded in the same transaction.
   * `payment` must be locked by the caller.
   */
  async countRefund(trx: Kysely<PaymentsDatabase>, payment: PaymentRow, refund: RefundRow): Promise<PaymentRow> {
    const amountRefunded = Math.min(payment.amount, payment.amount_refunded + refund.amount);
    const status = refundedStatus(payment.amount, amountRefunded);
    if (!canTransition(payment.status, status)) {
      this.deps.log.error(
        { paymentId: payment.id, refundId: refund.id, status: payment.status },
        "a refund went through for a payment that cannot take it: check it at the provider",
      );
      return payment;
    }
    const updated = await updatePayment(trx, payment.id, { status, amount_refunded: amountRefunded });
    await this.deps.bus.publish(trx, "payment.refunded", paymentRefunded(updated, refund));
    this.deps.count?.("refunded");
    return updated;
  }

  async #count(paymentId: string, refundId: string, answer: ProviderRefund): Promise<PaymentRow> {
    return this.deps.db.transaction().execute(async (trx) => {
      const payment = await lockPayment(trx, paymentId);
      const refund = await lockRefund(trx, refundId);
      if (!payment || !refund) throw new Error(`refund ${refundId} of payment ${paymentId} vanished`);
      // The provider's charge.refunded may have counted it first.
      if (refund.status !== "REQUESTED") return payment;
      const done = await updateRefund(trx, refundId, {
        status: answer.status === "SUCCEEDED" ? "SUCCEEDED" : "PENDING",
        provider_ref: answer.refundRef,
      });
      return this.countRefund(trx, payment, done);
    });
  }

  /** A refused refund: an admin's leaves no trace (nothing was written); an automatic one is kept as FAILED. */
  async #giveUp(refund: RefundRow): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      await lockPayment(trx, refund.payment_id);
      const current = await lockRefund(trx, refund.id);
      if (current?.status !== "REQUESTED") return;
      if (current.origin === "ADMIN") await deleteRequestedRefund(trx, refund.id);
      else await updateRefund(trx, refund.id, { status: "FAILED" });
    });
  }
}
