import { describe, expect, it } from "vitest";
import type { PaymentStatus } from "../src/db/database.js";
import type { PaymentEvent, PaymentEventType } from "../src/providers/index.js";
import { matchProviderRefunds, planSettlement } from "../src/settlement.js";

const event = (type: PaymentEventType, fields: Partial<PaymentEvent> = {}): PaymentEvent => ({
  ignored: false,
  id: "evt_1",
  type,
  provider: "STRIPE",
  providerRef: "pi_1",
  amount: 1000,
  createdAt: new Date(),
  ...fields,
});
const payment = (status: PaymentStatus, amount_refunded = 0) => ({ status, amount: 1000, amount_refunded });

describe("planSettlement", () => {
  it("settles an open payment as succeeded and publishes payment.succeeded", () => {
    for (const status of ["REQUIRES_PAYMENT", "PROCESSING"] as const) {
      expect(planSettlement(payment(status), event("payment_intent.succeeded"))).toEqual({
        kind: "status",
        to: "SUCCEEDED",
        publish: "payment.succeeded",
      });
    }
  });

  it("records a success after a failed attempt (the customer retried with another card)", () => {
    expect(planSettlement(payment("FAILED"), event("payment_intent.succeeded"))).toMatchObject({ to: "SUCCEEDED" });
  });

  it("fails an open payment with the provider's reason and publishes payment.failed", () => {
    expect(
      planSettlement(
        payment("REQUIRES_PAYMENT"),
        event("payment_intent.payment_failed", { failureReason: "Declined." }),
      ),
    ).toEqual({ kind: "status", to: "FAILED", failureReason: "Declined.", publish: "payment.failed" });
  });

  it("never lets a late payment_failed regress a succeeded or refunded payment", () => {
    for (const status of ["SUCCEEDED", "PARTIALLY_REFUNDED", "REFUNDED"] as const) {
      expect(planSettlement(payment(status), event("payment_intent.payment_failed")).kind).toBe("none");
    }
  });

  it("does not fail a FAILED payment twice, nor a cancelled one", () => {
    expect(planSettlement(payment("FAILED"), event("payment_intent.payment_failed")).kind).toBe("none");
    expect(planSettlement(payment("CANCELLED"), event("payment_intent.payment_failed")).kind).toBe("none");
  });

  it("ignores a second success", () => {
    expect(planSettlement(payment("SUCCEEDED"), event("payment_intent.succeeded")).kind).toBe("none");
    expect(planSettlement(payment("CANCELLED"), event("payment_intent.succeeded")).kind).toBe("none");
  });

  it("cancels an unpaid payment without an event, and never a paid one", () => {
    expect(planSettlement(payment("REQUIRES_PAYMENT"), event("payment_intent.canceled"))).toEqual({
      kind: "status",
      to: "CANCELLED",
      publish: null,
    });
    expect(planSettlement(payment("FAILED"), event("payment_intent.canceled"))).toMatchObject({ to: "CANCELLED" });
    expect(planSettlement(payment("SUCCEEDED"), event("payment_intent.canceled")).kind).toBe("none");
  });

  it("counts a larger provider refund total, capped at the amount", () => {
    expect(planSettlement(payment("SUCCEEDED"), event("charge.refunded", { amountRefunded: 300 }))).toEqual({
      kind: "refunded",
      amountRefunded: 300,
    });
    expect(
      planSettlement(payment("PARTIALLY_REFUNDED", 300), event("charge.refunded", { amountRefunded: 5000 })),
    ).toEqual({ kind: "refunded", amountRefunded: 1000 });
  });

  it("ignores a refund total already counted (duplicates, out of order) and refunds of unpaid payments", () => {
    expect(
      planSettlement(payment("PARTIALLY_REFUNDED", 500), event("charge.refunded", { amountRefunded: 300 })).kind,
    ).toBe("none");
    expect(
      planSettlement(payment("PARTIALLY_REFUNDED", 500), event("charge.refunded", { amountRefunded: 500 })).kind,
    ).toBe("none");
    expect(planSettlement(payment("REQUIRES_PAYMENT"), event("charge.refunded", { amountRefunded: 500 })).kind).toBe(
      "none",
    );
  });
});

describe("matchProviderRefunds", () => {
  it("settles our outstanding refunds oldest first when they fit", () => {
    expect(
      matchProviderRefunds(500, [
        { id: "a", amount: 200 },
        { id: "b", amount: 300 },
      ]),
    ).toEqual({ settled: ["a", "b"], external: 0 });
  });

  it("skips a refund that does not fit and leaves the rest as refunded at the provider", () => {
    expect(
      matchProviderRefunds(450, [
        { id: "a", amount: 500 },
        { id: "b", amount: 300 },
      ]),
    ).toEqual({ settled: ["b"], external: 150 });
  });

  it("calls everything external when nothing of ours is outstanding", () => {
    expect(matchProviderRefunds(250, [])).toEqual({ settled: [], external: 250 });
  });
});
