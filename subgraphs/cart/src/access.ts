import { canAccess, type Viewer } from "@retailer/kit";
import type { CartRow } from "./db/database.js";

/**
 * A guest cart is reachable by whoever holds its id; an assigned cart only by
 * its customer, admins and services. Only open carts are shown to customers.
 */
export function canSeeCart(viewer: Viewer | null, cart: CartRow): boolean {
  if (cart.customer_id === null) return cart.status === "OPEN" || (viewer !== null && viewer.role !== "CUSTOMER");
  return canAccess(viewer, cart.customer_id);
}
