import { UserErrors } from "@retailer/kit";
import { describe, expect, it } from "vitest";
import type { PaymentStatus } from "../src/db/database.js";
import { checkRefund, refundableAmount } from "../src/refund-rules.js";

const paid = (status: PaymentStatus = "SUCCEEDED", amount_refunded = 0) => ({ status, amount: 1000, amount_refunded });

function codeOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserErrors);
    return (error as UserErrors).errors.map((e) => e.code);
  }
  throw new Error("expected UserErrors");
}

describe("refund rules", () => {
  it("refunds everything left by default, held-back refunds excluded", () => {
    expect(checkRefund(paid(), 0, {})).toBe(1000);
    expect(checkRefund(paid("PARTIALLY_REFUNDED", 300), 200, {})).toBe(500);
    expect(refundableAmount({ amount: 1000, amount_refunded: 300 }, 200)).toBe(500);
  });

  it("accepts an amount up to what is left", () => {
    expect(checkRefund(paid("PARTIALLY_REFUNDED", 400), 0, { amount: 600 })).toBe(600);
  });

  it("refuses more than what is left, and non-positive or fractional amounts", () => {
    expect(codeOf(() => checkRefund(paid("PARTIALLY_REFUNDED", 400), 0, { amount: 601 }))).toEqual(["INVALID_INPUT"]);
    expect(codeOf(() => checkRefund(paid(), 0, { amount: 0 }))).toEqual(["INVALID_INPUT"]);
    expect(codeOf(() => checkRefund(paid(), 0, { amount: -5 }))).toEqual(["INVALID_INPUT"]);
    expect(codeOf(() => checkRefund(paid(), 0, { amount: 1.5 }))).toEqual(["INVALID_INPUT"]);
  });

  it("refuses refunds of payments that took no money or have nothing left", () => {
    for (const status of ["REQUIRES_PAYMENT", "PROCESSING", "FAILED", "CANCELLED", "REFUNDED"] as const) {
      expect(codeOf(() => checkRefund(paid(status), 0, {}))).toEqual(["ILLEGAL_STATE"]);
    }
    expect(codeOf(() => checkRefund(paid(), 1000, {}))).toEqual(["ILLEGAL_STATE"]);
  });

  it("refuses an overlong reason", () => {
    expect(codeOf(() => checkRefund(paid(), 0, { reason: "x".repeat(501) }))).toEqual(["INVALID_INPUT"]);
  });
});
