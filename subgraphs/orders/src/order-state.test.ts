import { describe, expect, it } from "vitest";
import type { OrderStatus } from "./db/database.js";
import { canTransition, isFinal, TRANSITIONS } from "./order-state.js";

const ALL: OrderStatus[] = ["PENDING_PAYMENT", "PAID", "SHIPPED", "DELIVERED", "CANCELLED", "REFUNDED"];

describe("the order transition table", () => {
  it.each([
    ["PENDING_PAYMENT", "PAID", "SYSTEM"],
    ["PENDING_PAYMENT", "CANCELLED", "CUSTOMER"],
    ["PENDING_PAYMENT", "CANCELLED", "SYSTEM"],
    ["PAID", "SHIPPED", "ADMIN"],
    ["PAID", "CANCELLED", "CUSTOMER"],
    ["PAID", "REFUNDED", "SYSTEM"],
    ["SHIPPED", "DELIVERED", "ADMIN"],
    ["SHIPPED", "CANCELLED", "ADMIN"],
    ["DELIVERED", "REFUNDED", "SYSTEM"],
  ] as const)("allows %s -> %s by %s", (from, to, actor) => {
    expect(canTransition(from, to, actor)).toEqual({ ok: true });
  });

  it.each([
    ["PENDING_PAYMENT", "PAID", "CUSTOMER"],
    ["PENDING_PAYMENT", "PAID", "ADMIN"],
    ["PAID", "SHIPPED", "CUSTOMER"],
    ["SHIPPED", "CANCELLED", "CUSTOMER"],
    ["SHIPPED", "DELIVERED", "CUSTOMER"],
  ] as const)("refuses %s -> %s by %s as FORBIDDEN", (from, to, actor) => {
    expect(canTransition(from, to, actor)).toEqual({ ok: false, reason: "FORBIDDEN" });
  });

  it.each([
    ["PENDING_PAYMENT", "SHIPPED"],
    ["PENDING_PAYMENT", "DELIVERED"],
    ["PAID", "DELIVERED"],
    ["DELIVERED", "CANCELLED"],
    ["CANCELLED", "PAID"],
    ["REFUNDED", "PAID"],
    ["PAID", "PENDING_PAYMENT"],
  ] as const)("refuses %s -> %s as ILLEGAL_STATE for everyone", (from, to) => {
    for (const actor of ["CUSTOMER", "ADMIN", "SYSTEM"] as const) {
      expect(canTransition(from, to, actor)).toEqual({ ok: false, reason: "ILLEGAL_STATE" });
    }
  });

  it("ends in CANCELLED and REFUNDED only, and every state is in the table", () => {
    expect(ALL.filter(isFinal)).toEqual(["CANCELLED", "REFUNDED"]);
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ALL].sort());
  });
});
