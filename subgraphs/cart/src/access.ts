import { canAccess, type UserErrorShape, userError, type Viewer } from "@retailer/kit";
import type { CartStatus } from "./db/database.js";

/** The ownership facts of a cart. */
export interface CartOwnership {
  customerId: string | null;
  status: CartStatus;
}

/**
 * A guest cart (no customer) is reachable by whoever holds its id; an
 * assigned cart only by its customer, admins and services. A cart someone
 * cannot reach is answered exactly like a missing one.
 */
export const canReach = (viewer: Viewer | null, cart: CartOwnership): boolean =>
  cart.customerId === null || canAccess(viewer, cart.customerId);

/**
 * What reads (Query.cart, references, User.cart) show: a reachable OPEN
 * cart. Merged and converted carts are gone for customers and guests;
 * admins and services still see them.
 */
export const canRead = (viewer: Viewer | null, cart: CartOwnership): boolean =>
  canReach(viewer, cart) && (cart.status === "OPEN" || viewer?.role === "ADMIN" || viewer?.role === "SERVICE");

/** User.cart: only the customer themselves or an admin. */
export const canSeeCustomerCart = (viewer: Viewer | null, customerId: string): boolean =>
  viewer !== null && (viewer.role === "ADMIN" || (viewer.role === "CUSTOMER" && viewer.id === customerId));

export const cartNotFound = (path: readonly (string | number)[] = ["cartId"]): UserErrorShape =>
  userError("NOT_FOUND", "No such cart.", path);

/**
 * Why a reachable cart cannot be changed, or null when it can: only OPEN
 * carts change. ILLEGAL_STATE (not NOT_FOUND), since the caller may reach
 * it and should learn to start a new cart.
 */
export function notChangeable(status: CartStatus): UserErrorShape | null {
  if (status === "CONVERTED") {
    return userError("ILLEGAL_STATE", "This cart has been checked out; create a new cart.", ["cartId"]);
  }
  if (status === "MERGED") {
    return userError("ILLEGAL_STATE", "This cart was merged into your cart; change that one instead.", ["cartId"]);
  }
  return null;
}
