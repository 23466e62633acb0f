import { describe, expect, it } from "vitest";
import type { PaymentStatus } from "../src/db/database.js";
import { canTransition, isOpen, isRefundable, PAYMENT_TRANSITIONS, refundedStatus } from "../src/payment-state.js";

const ALL: PaymentStatus[] = [
  "REQUIRES_PAYMENT",
  "PROCESSING",
  "SUCCEEDED",
  "FAILED",
  "CANCELLED",
  "PARTIALLY_REFUNDED",
  "REFUNDED",
];

describe("payment state machine", () => {
  it("lists every status", () => {
    expect(Object.keys(PAYMENT_TRANSITIONS).sort()).toEqual([...ALL].sort());
  });

  it.each([
    ["REQUIRES_PAYMENT", ["PROCESSING", "SUCCEEDED", "FAILED", "CANCELLED"]],
    ["PROCESSING", ["SUCCEEDED", "FAILED", "CANCELLED"]],
    ["FAILED", ["SUCCEEDED", "CANCELLED"]],
    ["SUCCEEDED", ["PARTIALLY_REFUNDED", "REFUNDED"]],
    ["PARTIALLY_REFUNDED", ["PARTIALLY_REFUNDED", "REFUNDED"]],
    ["CANCELLED", []],
    ["REFUNDED", []],
  ] as [PaymentStatus, PaymentStatus[]][])("from %s allows exactly %j", (from, allowed) => {
    for (const to of ALL) expect(canTransition(from, to), `${from} -> ${to}`).toBe(allowed.includes(to));
  });

  it("never lets a late failure or cancellation regress money taken", () => {
    for (const from of ["SUCCEEDED", "PARTIALLY_REFUNDED", "REFUNDED"] as const) {
      for (const to of ["REQUIRES_PAYMENT", "PROCESSING", "FAILED", "CANCELLED", "SUCCEEDED"] as const) {
        expect(canTransition(from, to), `${from} -> ${to}`).toBe(false);
      }
    }
  });

  it("has terminal states", () => {
    expect(PAYMENT_TRANSITIONS.CANCELLED).toEqual([]);
    expect(PAYMENT_TRANSITIONS.REFUNDED).toEqual([]);
  });

  it("knows which payments are open and which refundable", () => {
    expect(ALL.filter(isOpen)).toEqual(["REQUIRES_PAYMENT", "PROCESSING"]);
    expect(ALL.filter(isRefundable)).toEqual(["SUCCEEDED", "PARTIALLY_REFUNDED"]);
  });

  it("names the status after refunds", () => {
    expect(refundedStatus(1000, 1)).toBe("PARTIALLY_REFUNDED");
    expect(refundedStatus(1000, 999)).toBe("PARTIALLY_REFUNDED");
    expect(refundedStatus(1000, 1000)).toBe("REFUNDED");
  });
});
