import type { OrderStatus } from "./db/database.js";

export type Actor = "CUSTOMER" | "ADMIN" | "SYSTEM";

/**
 * The order lifecycle: every allowed change and who may make it. SYSTEM is
 * the service itself, acting on payment events and timeouts.
 */
export const TRANSITIONS: Record<OrderStatus, Partial<Record<OrderStatus, readonly Actor[]>>> = {
  PENDING_PAYMENT: { PAID: ["SYSTEM"], CANCELLED: ["CUSTOMER", "ADMIN", "SYSTEM"] },
  PAID: { SHIPPED: ["ADMIN"], CANCELLED: ["CUSTOMER", "ADMIN"], REFUNDED: ["SYSTEM"] },
  SHIPPED: { DELIVERED: ["ADMIN"], CANCELLED: ["ADMIN"], REFUNDED: ["SYSTEM"] },
  DELIVERED: { REFUNDED: ["SYSTEM"] },
  CANCELLED: {},
  REFUNDED: {},
};

export type TransitionCheck = { ok: true } | { ok: false; reason: "ILLEGAL_STATE" | "FORBIDDEN" };

/** Whether `actor` may move an order from `from` to `to`. */
export function canTransition(from: OrderStatus, to: OrderStatus, actor: Actor): TransitionCheck {
  const allowed = TRANSITIONS[from][to];
  if (!allowed) return { ok: false, reason: "ILLEGAL_STATE" };
  return allowed.includes(actor) ? { ok: true } : { ok: false, reason: "FORBIDDEN" };
}

export const isFinal = (status: OrderStatus): boolean => Object.keys(TRANSITIONS[status]).length === 0;
