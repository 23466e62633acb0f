import { randomUUID } from "node:crypto";
import {
  type AddressInput,
  type EventBus,
  InternalCallError,
  isUuid,
  type Kysely,
  type Logger,
  type UserErrorShape,
  UserErrors,
  userError,
  type Viewer,
  validateAddress,
} from "@retailer/kit";
import { z } from "zod";
import {
  claimCheckout,
  completeClaim,
  deleteUndo,
  dropClaim,
  lockAbandonedClaims,
  lockClaim,
  lockPendingUndos,
  retireClaim,
} from "./db/claim.repository.js";
import type { AddressJson, OrderRow, OrdersDatabase } from "./db/database.js";
import { findOrdersByIds, insertOrder, insertOrderLines, insertStatusChange } from "./db/order.repository.js";
import type { Lifecycle } from "./lifecycle.js";
import { type PricingRules, priceOrder } from "./pricing.js";
import type { Reservation, Services } from "./services.js";

export interface CheckoutInput {
  cartId: string;
  email?: string | null;
  addressId?: string | null;
  shippingAddress?: AddressInput | null;
  idempotencyKey: string;
}

export interface CheckoutResult {
  order: OrderRow;
  /** For a guest order only. */
  guest: boolean;
}

const fail = (code: string, message: string, field?: (string | number)[]) =>
  new UserErrors(userError(code, message, field));
const unavailable = (what: string) =>
  fail("SERVICE_UNAVAILABLE", `${what} is unavailable right now; nothing was charged. Try again.`);

/**
 * The checkout saga (docs/architecture.md):
 *  1. claim the idempotency key (committed at once: repeats find the same order id);
 *  2. in one transaction holding the claim: close the cart (cart, idempotent
 *     by order id: nothing can be added to it or check it out again from
 *     here on), reserve stock (catalog, idempotent by order id), write the
 *     order with its price snapshot, history and order.placed, create the
 *     payment (payments, idempotent by order id), mark the claim complete,
 *     commit;
 *  3. any failure compensates: cancel the payment, release the stock, reopen
 *     the cart, drop the claim, so nothing live is left behind. When a
 *     compensation step fails, the undo is left to the sweep (checkout_undo);
 *     when the process dies mid-way, the claim stays and the sweep undoes it
 *     later (`recoverAbandoned`). An order id is never used again after its
 *     undo: a retry of the key gets a new one.
 * A repeat waits on the claim's lock and answers the first attempt's order.
 */
export class Checkout {
  constructor(
    private readonly db: Kysely<OrdersDatabase>,
    private readonly services: Services,
    private readonly lifecycle: Lifecycle,
    private readonly bus: EventBus,
    private readonly pricing: PricingRules,
    private readonly log: Logger,
    /** Counts orders placed (not repeats of one). */
    private readonly placed: () => void = () => {},
  ) {}

  async run(viewer: Viewer | null, input: CheckoutInput, requestId: string): Promise<CheckoutResult> {
    const key = input.idempotencyKey.trim();
    if (key.length === 0 || key.length > 255) {
      throw fail("INVALID_INPUT", "idempotencyKey must be 1 to 255 characters.", ["input", "idempotencyKey"]);
    }
    if (!isUuid(input.cartId)) throw fail("NOT_FOUND", "No such cart.", ["input", "cartId"]);
    const customerId = viewer?.role === "CUSTOMER" ? viewer.id : null;
    if (viewer && !customerId) throw fail("FORBIDDEN", "Only customers and guests check out.");
    const scope = customerId ?? `guest:${input.cartId}`;
    const claim = await claimCheckout(this.db, {
      scope,
      idempotencyKey: key,
      cartId: input.cartId,
      orderId: randomUUID(),
    });
    if (claim.cart_id !== input.cartId) {
      throw fail("IDEMPOTENCY_CONFLICT", "This idempotencyKey was used with another cart.", [
        "input",
        "idempotencyKey",
      ]);
    }
    const orderId = claim.order_id;
    const call = { requestId };
    // Set before each call: a call that timed out may still have taken effect, and every undo is idempotent.
    const done: Steps = { closed: false, reserved: false, paid: false };
    try {
      return await this.db
        .transaction()
        .execute(async (trx) => {
          const held = await lockClaim(trx, orderId);
          if (!held) throw new Retry();
          if (held.completed) {
            const [order] = await findOrdersByIds(trx, [orderId]);
            if (!order) throw new Error(`claim ${orderId} completed without its order`);
            return { order, guest: order.customer_id === null };
          }
          const email = await this.#email(customerId, input.email, call);
          const address = await this.#address(customerId, input, call);

          done.closed = true;
          const cart = await this.services
            .checkOutCart(input.cartId, orderId, customerId, call)
            .catch(rethrowAs(unavailable("The cart")));
          if (!cart) throw fail("NOT_FOUND", "No such cart.", ["input", "cartId"]);
          if (cart.status === "OPEN" && cart.lines.length === 0) {
            throw fail("CART_EMPTY", "The cart is empty.", ["input", "cartId"]);
          }
          if (cart.status !== "CONVERTED" || cart.orderId !== orderId) {
            throw fail("CART_NOT_OPEN", "This cart was checked out or merged already.", ["input", "cartId"]);
          }

          done.reserved = true;
          const reservation = await this.services
            .reserve(
              orderId,
              cart.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
              call,
            )
            .catch(rethrowAs(unavailable("Stock")));
          if (!reservation.ok) throw outOfStock(reservation);
          // Lines in the order the customer added them to the cart.
          const position = new Map(cart.lines.map((l, i) => [l.variantId, i]));
          reservation.lines.sort((a, b) => (position.get(a.variantId) ?? 0) - (position.get(b.variantId) ?? 0));

          const currency = onlyCurrency(reservation);
          const totals = priceOrder(reservation.lines, address.country, this.pricing);
          const order = await insertOrder(trx, {
            id: orderId,
            customer_id: customerId,
            email,
            status: "PENDING_PAYMENT",
            currency,
            ...totals,
            shipping_address: JSON.stringify(address),
            tracking_number: null,
            carrier: null,
            cart_id: input.cartId,
            cancel_reason: null,
          });
          await insertOrderLines(
            trx,
            reservation.lines.map((l, position) => ({
              order_id: orderId,
              position,
              variant_id: l.variantId,
              product_id: l.productId,
              product_name: l.productName,
              variant_name: l.variantName,
              sku: l.sku,
              quantity: l.quantity,
              unit_price: l.unitPrice,
              line_total: l.unitPrice * l.quantity,
            })),
          );
          await insertStatusChange(trx, {
            orderId,
            from: null,
            to: "PENDING_PAYMENT",
            note: "placed",
            actor: customerId ?? "guest",
          });
          await this.bus.publish(trx, "order.placed", { orderId, cartId: input.cartId, customerId }, { requestId });
          await this.lifecycle.publishChange(trx, order, null, { requestId });

          done.paid = true;
          await this.services
            .createPayment({ orderId, customerId, email, amount: totals.total, currency }, call)
            .catch((error: unknown) => {
              const code = error instanceof InternalCallError ? error.code : undefined;
              throw fail(
                code === "PAYMENT_FAILED" ? "PAYMENT_FAILED" : "PAYMENT_UNAVAILABLE",
                code === "PAYMENT_FAILED"
                  ? "The payment could not be set up; nothing was charged."
                  : "Payments are unavailable right now; nothing was charged. Try again.",
              );
            });
          await completeClaim(trx, orderId);
          return { order, guest: customerId === null, placed: true };
        })
        .then((result) => {
          if ("placed" in result) this.placed();
          return { order: result.order, guest: result.guest };
        });
    } catch (error) {
      if (error instanceof Retry) return this.run(viewer, input, requestId);
      if (!done.closed) {
        await dropClaim(this.db, orderId);
        throw error;
      }
      const retired = await this.db.transaction().execute((trx) => retireClaim(trx, { orderId, cartId: input.cartId }));
      // Not retired: the order committed and only its answer was lost; a retry of the key answers it.
      if (!retired) throw error;
      // Left in checkout_undo when a step fails: the sweep finishes it.
      if (await this.#undo(orderId, input.cartId, done, call)) await deleteUndo(this.db, orderId);
      throw error;
    }
  }

  /**
   * Finishes checkouts that failed without undoing what they did elsewhere:
   * claims neither completed nor retired, older than `minutes` and not
   * locked by a running attempt (`skip locked`), were left by a process that
   * died mid-way: they are retired. Then every undo not yet finished
   * (checkout_undo) is done: each step is idempotent and a step never taken
   * undoes nothing; an undo that fails again stays for the next sweep. Runs
   * in every replica. Answers how many checkouts were undone.
   */
  async recoverAbandoned(minutes: number, limit = 50): Promise<number> {
    await this.db.transaction().execute(async (trx) => {
      for (const claim of await lockAbandonedClaims(trx, minutes, limit)) {
        await retireClaim(trx, { orderId: claim.order_id, cartId: claim.cart_id });
      }
    });
    const all = { closed: true, reserved: true, paid: true };
    const undone = await this.db.transaction().execute(async (trx) => {
      let count = 0;
      for (const pending of await lockPendingUndos(trx, limit)) {
        const call = { requestId: `sweep:${pending.order_id}` };
        if (await this.#undo(pending.order_id, pending.cart_id, all, call)) {
          await deleteUndo(trx, pending.order_id);
          count += 1;
        }
      }
      return count;
    });
    if (undone) this.log.warn({ undone }, "undid abandoned checkouts");
    return undone;
  }

  /** Undoes what an attempt did elsewhere; answers whether every step succeeded. */
  async #undo(orderId: string, cartId: string, done: Steps, call: { requestId: string }): Promise<boolean> {
    const steps: Promise<unknown>[] = [];
    if (done.paid) steps.push(this.services.cancelPayment(orderId, call));
    if (done.reserved) steps.push(this.services.release(orderId, call));
    if (done.closed) steps.push(this.services.reopenCart(cartId, orderId, call));
    const failed = (await Promise.allSettled(steps)).filter((r) => r.status === "rejected");
    for (const result of failed) {
      this.log.error({ err: result.reason, orderId }, "checkout compensation failed; the sweep will retry it");
    }
    return failed.length === 0;
  }

  async #email(
    customerId: string | null,
    given: string | null | undefined,
    call: { requestId: string },
  ): Promise<string> {
    if (customerId) {
      const account = await this.services.account(customerId, call).catch(rethrowAs(unavailable("Accounts")));
      if (!account) throw fail("NOT_FOUND", "Your account was not found.");
      return account.email;
    }
    const email = (given ?? "").trim().toLowerCase();
    if (!email) throw fail("EMAIL_REQUIRED", "A guest checkout needs an email.", ["input", "email"]);
    if (email.length > 254 || !z.email().safeParse(email).success) {
      throw fail("INVALID_EMAIL", "That is not a valid email address.", ["input", "email"]);
    }
    return email;
  }

  async #address(customerId: string | null, input: CheckoutInput, call: { requestId: string }): Promise<AddressJson> {
    if (input.addressId && input.shippingAddress) {
      throw fail("INVALID_INPUT", "Give either addressId or shippingAddress, not both.", ["input", "addressId"]);
    }
    if (input.addressId) {
      if (!customerId) throw fail("INVALID_INPUT", "A guest has no saved addresses.", ["input", "addressId"]);
      const saved = isUuid(input.addressId)
        ? await this.services.address(input.addressId, customerId, call).catch(rethrowAs(unavailable("Addresses")))
        : null;
      if (!saved) throw fail("NOT_FOUND", "No such address.", ["input", "addressId"]);
      return saved;
    }
    if (!input.shippingAddress)
      throw fail("ADDRESS_REQUIRED", "A shipping address is needed.", ["input", "shippingAddress"]);
    const { address, errors } = validateAddress(input.shippingAddress, ["input", "shippingAddress"]);
    if (!address) throw new UserErrors(errors);
    return address;
  }
}

/** What an attempt has (or may have) done in other services, to undo on failure. */
interface Steps {
  closed: boolean;
  reserved: boolean;
  paid: boolean;
}

/** A claim dropped by a failed concurrent attempt: claim again. */
class Retry extends Error {}

function outOfStock(reservation: Reservation): UserErrors {
  if (reservation.userErrors.length > 0) {
    return new UserErrors(reservation.userErrors.map((e) => userError(e.code, e.message, ["input", "cartId"])));
  }
  const errors: UserErrorShape[] = reservation.shortages.map((s) =>
    userError(
      "OUT_OF_STOCK",
      s.available > 0
        ? `Only ${s.available} of variant ${s.variantId} available (${s.requested} in the cart).`
        : `Variant ${s.variantId} is not available.`,
      ["input", "cartId", "variant", s.variantId],
    ),
  );
  return new UserErrors(errors);
}

function onlyCurrency(reservation: Reservation): string {
  const currencies = new Set(reservation.lines.map((l) => l.currency));
  if (currencies.size !== 1) throw fail("MIXED_CURRENCIES", "The cart holds prices in more than one currency.");
  return [...currencies][0] as string;
}

/** A failed internal call that is not a domain answer: the given userError instead of a 500. */
const rethrowAs = (replacement: UserErrors) => (error: unknown) => {
  if (error instanceof InternalCallError) throw replacement;
  throw error;
};
