import {
  canAccess,
  type DomainEvent,
  firstDelivery,
  isUuid,
  type Kysely,
  UserErrors,
  userError,
  type Viewer,
} from "@retailer/kit";
import { z } from "zod";
import type { PaymentRow } from "./db/database.js";
import {
  findPaymentById,
  findPaymentByOrderId,
  insertPaymentIfAbsent,
  lockPayment,
  lockPaymentByProviderRef,
  updatePayment,
} from "./db/payment.repository.js";
import { recordProviderEvent, wasProcessed } from "./db/provider-event.repository.js";
import { findRequestedRefunds, insertRefund, updateRefund } from "./db/refund.repository.js";
import { type OrderStatusChanged, paymentFailed, paymentSucceeded } from "./payment-events.js";
import { canTransition, isOpen, isRefundable } from "./payment-state.js";
import { atProvider, providerUserError } from "./provider-failures.js";
import {
  cancelIdempotencyKey,
  intentIdempotencyKey,
  type PaymentEvent,
  ProviderError,
  type ProviderIntent,
  type TestOutcome,
  testSettlementEvent,
} from "./providers/index.js";
import type { PaymentsDeps, Refunds } from "./refunds.js";
import { matchProviderRefunds, planSettlement } from "./settlement.js";

export interface CreatePaymentInput {
  orderId: string;
  customerId?: string | null;
  email: string;
  amount: number;
  currency: string;
}

export type SettleOutcome =
  | { outcome: "applied"; payment: PaymentRow }
  /** This provider event was handled before. */
  | { outcome: "duplicate"; payment: PaymentRow }
  /** Verified, but it changes nothing (a late or out-of-order event). */
  | { outcome: "ignored"; payment: PaymentRow; reason: string }
  /** No payment of ours has this provider reference. */
  | { outcome: "unknown_payment" };

/** Checked under the payment's lock before a settlement; throws UserErrors to write nothing. */
export type SettlementGuard = (payment: PaymentRow) => void;

/** The handler name under which order.status_changed deliveries are marked processed. */
export const ORDER_CANCELLED_HANDLER = "payments.refund-or-cancel-on-order-cancelled";

/** Stripe's largest amount (in minor units) for most currencies. */
const MAX_AMOUNT = 99_999_999;

const createInput = z.object({
  orderId: z.string().refine(isUuid, "must be an order id (a UUID)"),
  customerId: z.string().min(1).max(200).nullish(),
  email: z.email().max(254),
  amount: z.number().int().min(1).max(MAX_AMOUNT),
  currency: z.string().regex(/^[A-Za-z]{3}$/, "must be an ISO 4217 code such as USD"),
});

const illegal = (message: string) => new UserErrors(userError("ILLEGAL_STATE", message, ["paymentId"]));

/**
 * Payments of orders: created for checkout, settled by provider events
 * (Stripe webhooks and TEST confirmations alike, through `settle`),
 * cancelled with their order. Every state change and its event commit in
 * one transaction with the payment row locked; provider calls happen
 * outside transactions, made safe to repeat by their idempotency keys.
 */
export class Payments {
  constructor(
    private readonly deps: PaymentsDeps,
    private readonly refunds: Refunds,
  ) {}

  /**
   * The order's payment, created at the provider once: a repeated or
   * concurrent call returns the first payment. The provider is called before
   * anything is stored, with a key made from the order id and amount, so a
   * crash between the two leaves one intent, which the retry finds again.
   */
  async createForOrder(raw: CreatePaymentInput): Promise<PaymentRow> {
    const parsed = createInput.safeParse(raw);
    if (!parsed.success) {
      throw new UserErrors(
        parsed.error.issues.map((issue) =>
          userError("INVALID_INPUT", issue.message, ["input", ...issue.path.map(String)]),
        ),
      );
    }
    const input = { ...parsed.data, currency: parsed.data.currency.toUpperCase(), email: parsed.data.email.trim() };
    const existing = await findPaymentByOrderId(this.deps.db, input.orderId);
    if (existing) return sameOrder(existing, input);
    const intent = await atProvider(() =>
      this.deps.provider.createIntent({
        orderId: input.orderId,
        amount: input.amount,
        currency: input.currency,
        customerEmail: input.email,
        idempotencyKey: intentIdempotencyKey(input.orderId, input.amount),
      }),
    );
    const inserted = await insertPaymentIfAbsent(this.deps.db, {
      order_id: input.orderId,
      customer_id: input.customerId ?? null,
      email: input.email,
      provider: this.deps.provider.name,
      provider_ref: intent.providerRef,
      // Settlement comes only from provider events, whatever the intent says now.
      status: intent.status === "PROCESSING" ? "PROCESSING" : "REQUIRES_PAYMENT",
      amount: input.amount,
      currency: input.currency,
      client_secret: intent.clientSecret,
      failure_reason: null,
    });
    if (inserted) {
      const { id, order_id, provider, provider_ref, amount, currency } = inserted;
      this.deps.log.info(
        { paymentId: id, orderId: order_id, provider, providerRef: provider_ref, amount, currency },
        "payment created",
      );
    }
    const stored = inserted ?? (await findPaymentByOrderId(this.deps.db, input.orderId));
    if (!stored) throw new Error(`payment of order ${input.orderId} neither inserted nor found`);
    return sameOrder(stored, input);
  }

  /**
   * Cancels the order's payment at the provider while it can still be paid;
   * null when the order has none. A settled payment is answered as it is,
   * and one the provider says was paid meanwhile comes back SUCCEEDED (a
   * paid, cancelled order is refunded on order.status_changed).
   */
  async cancelForOrder(orderId: string): Promise<PaymentRow | null> {
    if (!isUuid(orderId)) return null;
    const payment = await findPaymentByOrderId(this.deps.db, orderId);
    if (!payment || !canTransition(payment.status, "CANCELLED")) return payment ?? null;
    return this.#cancel(payment);
  }

  /**
   * Settles a TEST payment as the provider's webhook would: through `settle`,
   * with a TEST event. Allowed to the payment's customer, admins and
   * services; a guest payment to anyone holding its id (the TEST provider
   * moves no money and is refused in production unless opted in).
   */
  async confirmTestPayment(viewer: Viewer | null, paymentId: string, outcome: TestOutcome): Promise<PaymentRow> {
    const payment = isUuid(paymentId) ? await findPaymentById(this.deps.db, paymentId) : undefined;
    if (!payment || !(payment.customer_id === null || canAccess(viewer, payment.customer_id))) {
      throw new UserErrors(userError("NOT_FOUND", "No such payment.", ["paymentId"]));
    }
    if (payment.provider !== "TEST" || !payment.provider_ref) {
      throw illegal("This payment is taken by Stripe: it settles through Stripe, not confirmTestPayment.");
    }
    if (this.deps.provider.name !== "TEST") {
      throw illegal("The TEST payment provider is not enabled on this server.");
    }
    const event = testSettlementEvent(payment.provider_ref, outcome, payment.amount);
    const result = await this.settle(event, (current) => {
      if (!isOpen(current.status)) throw illegal(`The payment is already settled: it is ${current.status}.`);
    });
    if (result.outcome === "unknown_payment") throw new Error(`TEST payment ${paymentId} vanished`);
    return result.payment;
  }

  /**
   * The one settlement path of every provider event: a Stripe webhook and a
   * TEST confirmation alike. In one transaction, with the payment locked:
   * remember the event id (a duplicate, even a concurrent one, stops here),
   * apply what planSettlement decides, publish its event.
   */
  async settle(event: PaymentEvent, guard?: SettlementGuard): Promise<SettleOutcome> {
    return this.deps.db.transaction().execute(async (trx): Promise<SettleOutcome> => {
      const payment = await lockPaymentByProviderRef(trx, event.providerRef);
      if (!payment || payment.provider !== event.provider) return { outcome: "unknown_payment" };
      guard?.(payment);
      const fresh = await recordProviderEvent(trx, {
        provider: event.provider,
        event_id: event.id,
        type: event.type,
        payment_id: payment.id,
      });
      if (!fresh) return { outcome: "duplicate", payment };
      const plan = planSettlement(payment, event);
      switch (plan.kind) {
        case "none":
          return { outcome: "ignored", payment, reason: plan.reason };
        case "status": {
          const updated = await updatePayment(trx, payment.id, {
            status: plan.to,
            ...(plan.failureReason ? { failure_reason: plan.failureReason } : {}),
          });
          if (plan.publish === "payment.succeeded") {
            await this.deps.bus.publish(trx, "payment.succeeded", paymentSucceeded(updated));
            this.deps.count?.("succeeded");
          } else if (plan.publish === "payment.failed") {
            await this.deps.bus.publish(trx, "payment.failed", paymentFailed(updated));
            this.deps.count?.("failed");
          }
          return { outcome: "applied", payment: updated };
        }
        case "refunded": {
          const requested = await findRequestedRefunds(trx, payment.id);
          const { settled, external } = matchProviderRefunds(plan.amountRefunded - payment.amount_refunded, requested);
          let current = payment;
          for (const id of settled) {
            current = await this.refunds.countRefund(
              trx,
              current,
              await updateRefund(trx, id, { status: "SUCCEEDED" }),
            );
          }
          if (external > 0) {
            const refund = await insertRefund(trx, {
              payment_id: payment.id,
              amount: external,
              reason: "Refunded at the payment provider.",
              status: "SUCCEEDED",
              origin: "PROVIDER",
              provider_ref: null,
            });
            current = await this.refunds.countRefund(trx, current, refund);
          }
          return { outcome: "applied", payment: current };
        }
      }
    });
  }

  /**
   * order.status_changed: an order CANCELLED after payment is refunded in
   * full; one not paid yet has its payment cancelled. Safe to repeat (one
   * automatic refund per payment, provider keys); each event is marked
   * processed once its work is done, and later deliveries stop at that mark.
   */
  async onOrderStatusChanged(event: DomainEvent<OrderStatusChanged>): Promise<void> {
    if (event.data.to !== "CANCELLED" || !isUuid(event.data.orderId)) return;
    if (await wasProcessed(this.deps.db, event.id, ORDER_CANCELLED_HANDLER)) return;
    await this.#settleCancelledOrder(event.data.orderId);
    await this.deps.db
      .transaction()
      .execute((trx) => firstDelivery(trx as unknown as Kysely<unknown>, event.id, ORDER_CANCELLED_HANDLER));
  }

  async #settleCancelledOrder(orderId: string): Promise<void> {
    // At most a few rounds: a payment can settle while we cancel it.
    for (let round = 0; round < 3; round += 1) {
      const payment = await findPaymentByOrderId(this.deps.db, orderId);
      if (!payment) return;
      if (isRefundable(payment.status)) {
        return this.refunds.refundCancelledOrder(payment.id, "Order cancelled.");
      }
      if (!canTransition(payment.status, "CANCELLED")) return; // CANCELLED or REFUNDED already
      const after = await this.#cancel(payment);
      if (after.status === "CANCELLED") return;
      if (!isRefundable(after.status)) {
        throw new Error(
          `payment ${payment.id} of cancelled order ${orderId} is ${after.status} after cancelling; retrying`,
        );
      }
    }
  }

  /**
   * Cancels at the provider (idempotent key), then records CANCELLED unless
   * the payment settled meanwhile. When the provider answers that it is too
   * late (the customer paid), the payment is settled as SUCCEEDED from that
   * answer, through `settle` like a webhook, so it can be refunded now.
   */
  async #cancel(payment: PaymentRow): Promise<PaymentRow> {
    const intent = await this.#cancelAtProvider(payment);
    if (intent.status === "SUCCEEDED" && payment.provider_ref) {
      const settled = await this.settle({
        ignored: false,
        // One id per payment: the reconciliation applies once, and the provider's own webhook then changes nothing.
        id: `cancel_refused_${payment.provider_ref}`,
        type: "payment_intent.succeeded",
        provider: payment.provider,
        providerRef: payment.provider_ref,
        amount: intent.amount,
        createdAt: new Date(),
      });
      if (settled.outcome !== "unknown_payment") return settled.payment;
    }
    if (intent.status !== "CANCELLED") return (await findPaymentById(this.deps.db, payment.id)) ?? payment;
    return this.deps.db.transaction().execute(async (trx) => {
      const current = await lockPayment(trx, payment.id);
      if (!current) throw new Error(`payment ${payment.id} vanished`);
      return canTransition(current.status, "CANCELLED")
        ? updatePayment(trx, current.id, { status: "CANCELLED" })
        : current;
    });
  }

  async #cancelAtProvider(payment: PaymentRow): Promise<Pick<ProviderIntent, "status" | "amount">> {
    const { provider } = this.deps;
    const cancelled = { status: "CANCELLED" as const, amount: payment.amount };
    // A TEST payment exists only in this database: nothing to cancel elsewhere.
    if (payment.provider === "TEST" && provider.name !== "TEST") return cancelled;
    if (payment.provider !== provider.name || !payment.provider_ref) {
      throw new UserErrors(
        userError("PAYMENT_UNAVAILABLE", `This payment was taken with ${payment.provider}, which is not configured.`),
      );
    }
    try {
      const ref = payment.provider_ref;
      return await provider.cancel(ref, cancelIdempotencyKey(ref));
    } catch (error) {
      // The TEST provider forgets its intents when the process restarts; the database is their record.
      if (error instanceof ProviderError && error.code === "NOT_FOUND" && payment.provider === "TEST") {
        return cancelled;
      }
      if (error instanceof ProviderError) throw new UserErrors(providerUserError(error));
      throw error;
    }
  }
}

/** A repeated call must describe the same payment: another amount or currency is a caller's bug, not a retry. */
function sameOrder(payment: PaymentRow, input: { amount: number; currency: string }): PaymentRow {
  if (payment.amount !== input.amount || payment.currency.trim() !== input.currency) {
    throw new UserErrors(
      userError(
        "CONFLICT",
        `The order already has a payment of ${payment.amount} ${payment.currency.trim()}; it cannot be created again for another amount.`,
        ["input", "amount"],
      ),
    );
  }
  return payment;
}
