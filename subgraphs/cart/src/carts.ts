import { firstDelivery, isUuid, type Kysely, type UserErrorShape, UserErrors, type Viewer } from "@retailer/kit";
import { canReach, cartNotFound, notChangeable } from "./access.js";
import type { CatalogVariant, VariantLookup } from "./catalog.js";
import {
  assignCart,
  deleteCartsUntouchedSince,
  deleteLines,
  findLinesByCartIds,
  findOpenCartsOfCustomers,
  insertCustomerCart,
  insertGuestCart,
  lockCart,
  lockOpenCartOfCustomer,
  markConverted,
  markMerged,
  markReopened,
  saveLineQuantities,
  touchCart,
} from "./db/cart.repository.js";
import type { CartDatabase, CartLineRow, CartRow } from "./db/database.js";
import {
  addLines,
  checkLineIds,
  checkLineInputs,
  checkLineUpdates,
  type Line,
  type LineInput,
  type LineUpdate,
  mergeLines,
  type Outcome,
  removeLines,
  updateLines,
} from "./rules.js";

type Db = Kysely<CartDatabase>;
type VariantMap = Map<string, CatalogVariant | null>;

/** Throws the errors, if any: the transaction rolls back and the mutation answers them. */
const fail = (errors: UserErrorShape[] | UserErrorShape | null): void => {
  if (errors && (!Array.isArray(errors) || errors.length > 0)) throw new UserErrors(errors);
};
const refuse = (error: UserErrorShape): never => {
  throw new UserErrors(error);
};

const toLine = (row: CartLineRow): Line => ({ id: row.id, variantId: row.variant_id, quantity: row.quantity });

const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === "23505";

/** A cart as checkout closed it, with its lines. */
export interface ClosedCart {
  cart: CartRow;
  lines: CartLineRow[];
}

export interface OrderPlaced {
  orderId: string;
  cartId: string;
  customerId: string | null;
}

/**
 * Every change to carts. Inputs are checked by the rules before anything is
 * read; prices and availability are looked up in catalog before the
 * transaction, so no network call is made while a cart is locked (unless a
 * line appeared in between, from a concurrent change). Each change then locks
 * its cart (SELECT ... FOR UPDATE), so concurrent changes of one cart apply
 * one after another, and writes nothing when it answers userErrors.
 */
export class Carts {
  constructor(private readonly db: Db) {}

  /** createCart: for a customer, their open cart (made when they have none) with the lines added; otherwise a new guest cart. */
  async create(viewer: Viewer | null, lines: LineInput[], lookup: VariantLookup): Promise<CartRow> {
    fail(checkLineInputs(lines, ["lines"], true));
    const customerId = viewer?.role === "CUSTOMER" ? viewer.id : null;
    const current = customerId ? (await findOpenCartsOfCustomers(this.db, [customerId]))[0] : undefined;
    const variants = await this.#variants(
      lookup,
      current?.id ?? null,
      lines.map((l) => l.variantId),
    );
    return this.db.transaction().execute(async (trx) => {
      const cart = customerId ? await this.#openCartOf(trx, customerId) : await insertGuestCart(trx);
      return this.#apply(trx, cart, async (existing) =>
        addLines(existing, lines, await this.#complete(variants, lookup, lines), ["lines"]),
      );
    });
  }

  /** addCartLines: a variant already in the cart adds to its line. */
  async addLines(viewer: Viewer | null, cartId: string, lines: LineInput[], lookup: VariantLookup): Promise<CartRow> {
    fail(checkLineInputs(lines, ["lines"]));
    if (!isUuid(cartId)) refuse(cartNotFound());
    const variants = await this.#variants(
      lookup,
      cartId,
      lines.map((l) => l.variantId),
    );
    return this.#change(viewer, cartId, async (existing) =>
      addLines(existing, lines, await this.#complete(variants, lookup, lines), ["lines"]),
    );
  }

  /** updateCartLines: sets quantities by line id; 0 removes the line. */
  async updateLines(
    viewer: Viewer | null,
    cartId: string,
    updates: LineUpdate[],
    lookup: VariantLookup,
  ): Promise<CartRow> {
    fail(checkLineUpdates(updates, ["lines"]));
    if (!isUuid(cartId)) refuse(cartNotFound());
    const variants = await this.#variants(lookup, cartId, []);
    return this.#change(viewer, cartId, async (existing) =>
      updateLines(existing, updates, await this.#complete(variants, lookup, existing), ["lines"]),
    );
  }

  /** removeCartLines: every id must be a line of this cart. */
  async removeLines(viewer: Viewer | null, cartId: string, lineIds: string[]): Promise<CartRow> {
    fail(checkLineIds(lineIds, ["lineIds"]));
    if (!isUuid(cartId)) refuse(cartNotFound());
    return this.#change(viewer, cartId, async (existing) => removeLines(existing, lineIds, ["lineIds"]));
  }

  /**
   * assignCartToMe, for a signed-in customer. A guest cart becomes theirs
   * when they have no open cart; otherwise its lines merge into their open
   * cart (same variant: quantities add, capped at 99) and it is closed as
   * MERGED. Idempotent: their own open cart, or a cart already merged into
   * theirs, answers their open cart.
   */
  async assignToMe(customerId: string, cartId: string): Promise<CartRow> {
    if (!isUuid(cartId)) refuse(cartNotFound());
    try {
      return await this.#assign(customerId, cartId);
    } catch (error) {
      // The customer got an open cart meanwhile (another tab): merge into it instead.
      if (isUniqueViolation(error)) return this.#assign(customerId, cartId);
      throw error;
    }
  }

  /**
   * Checkout closes the cart before it reads the lines (internalCheckOutCart):
   * an OPEN cart with lines, reachable by the buyer, becomes CONVERTED for
   * the order id in one locked step. From then on nothing can be added to it
   * and no second checkout can take it, even before the order commits. A
   * repeat for the same order answers the same cart (retries are safe); any
   * other cart answers as it is and changes nothing (orders reads its status
   * and lines). Null when the buyer cannot reach it.
   */
  checkOut(cartId: string, orderId: string, customerId: string | null): Promise<ClosedCart | null> {
    if (!isUuid(cartId) || !isUuid(orderId)) return Promise.resolve(null);
    return this.db.transaction().execute(async (trx) => {
      const cart = await lockCart(trx, cartId);
      if (!cart || (cart.customer_id !== null && cart.customer_id !== customerId)) return null;
      const lines = await findLinesByCartIds(trx, [cart.id]);
      if (cart.status !== "OPEN" || lines.length === 0) return { cart, lines };
      await markConverted(trx, cart.id, orderId);
      return { cart: { ...cart, status: "CONVERTED", order_id: orderId }, lines };
    });
  }

  /**
   * The compensation of checkOut, when the checkout failed: the cart opens
   * again. Only a cart closed for that order id; a repeat does nothing. When
   * the customer has started another open cart meanwhile, the closed cart's
   * lines merge into it (as on sign-in) and it is closed as MERGED. Answers
   * whether the cart changed.
   */
  reopen(cartId: string, orderId: string): Promise<boolean> {
    if (!isUuid(cartId) || !isUuid(orderId)) return Promise.resolve(false);
    return this.db.transaction().execute(async (trx) => {
      const cart = await lockCart(trx, cartId);
      if (cart?.status !== "CONVERTED" || cart.order_id !== orderId) return false;
      const other = cart.customer_id ? await lockOpenCartOfCustomer(trx, cart.customer_id) : undefined;
      if (other && cart.customer_id) await this.#merge(trx, cart, other, cart.customer_id, ["cartId"]);
      else await markReopened(trx, cart.id);
      return true;
    });
  }

  /** order.placed: the cart is CONVERTED (only from OPEN); once per event. Answers whether it changed. */
  convert(eventId: string, event: OrderPlaced): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await firstDelivery(trx, eventId, "convert-cart"))) return false;
      if (!isUuid(event.cartId)) return false;
      return markConverted(trx, event.cartId, isUuid(event.orderId) ? event.orderId : null);
    });
  }

  /** Deletes carts untouched for `days` days; answers how many. */
  purge(days: number, now = new Date()): Promise<number> {
    return deleteCartsUntouchedSince(this.db, new Date(now.getTime() - days * 86_400_000));
  }

  async #assign(customerId: string, cartId: string): Promise<CartRow> {
    return this.db.transaction().execute(async (trx) => {
      // Locks the guest cart, then the customer's: always in that order, so two assigns cannot deadlock.
      const cart = await lockCart(trx, cartId);
      if (!cart || (cart.customer_id !== null && cart.customer_id !== customerId)) return refuse(cartNotFound());
      if (cart.customer_id === customerId) {
        if (cart.status === "OPEN") return cart;
        if (cart.status === "MERGED") {
          const mine = await lockOpenCartOfCustomer(trx, customerId);
          if (mine) return mine;
        }
        return refuse(notChangeable(cart.status) ?? cartNotFound());
      }
      fail(notChangeable(cart.status));
      const target = await lockOpenCartOfCustomer(trx, customerId);
      if (!target) return assignCart(trx, cart.id, customerId);
      return this.#merge(trx, cart, target, customerId, ["cartId"]);
    });
  }

  /** Moves the lines of `cart` into the customer's open cart `target` (both locked) and closes `cart` as MERGED. */
  async #merge(trx: Db, cart: CartRow, target: CartRow, customerId: string, path: string[]): Promise<CartRow> {
    const lines = await findLinesByCartIds(trx, [target.id, cart.id]);
    const outcome = mergeLines(
      lines.filter((l) => l.cart_id === target.id).map(toLine),
      lines.filter((l) => l.cart_id === cart.id).map(toLine),
      path,
    );
    fail(outcome.errors);
    await saveLineQuantities(trx, target.id, outcome.save);
    await markMerged(trx, cart.id, customerId, target.id);
    return touchCart(trx, target.id);
  }

  /** The customer's open cart, locked; made when they have none (a concurrent maker wins and is waited for). */
  async #openCartOf(trx: Db, customerId: string): Promise<CartRow> {
    const cart =
      (await lockOpenCartOfCustomer(trx, customerId)) ??
      (await insertCustomerCart(trx, customerId)) ??
      (await lockOpenCartOfCustomer(trx, customerId));
    if (!cart) throw new Error(`no open cart for customer ${customerId} after inserting one`);
    return cart;
  }

  /** Locks a cart the viewer may reach and change, applies `rule` to its lines, writes the outcome. */
  #change(viewer: Viewer | null, cartId: string, rule: (existing: Line[]) => Promise<Outcome>): Promise<CartRow> {
    return this.db.transaction().execute(async (trx) => {
      const cart = await lockCart(trx, cartId);
      if (!cart || !canReach(viewer, { customerId: cart.customer_id, status: cart.status })) {
        return refuse(cartNotFound());
      }
      fail(notChangeable(cart.status));
      return this.#apply(trx, cart, rule);
    });
  }

  async #apply(trx: Db, cart: CartRow, rule: (existing: Line[]) => Promise<Outcome>): Promise<CartRow> {
    const existing = (await findLinesByCartIds(trx, [cart.id])).map(toLine);
    const outcome = await rule(existing);
    fail(outcome.errors);
    await deleteLines(trx, cart.id, outcome.remove);
    await saveLineQuantities(trx, cart.id, outcome.save);
    return touchCart(trx, cart.id);
  }

  /**
   * Catalog's view of the variants given and of the cart's current lines, in
   * one lookup before the transaction (the request's loader keeps them, so
   * the cart answered afterwards costs no further call).
   */
  async #variants(lookup: VariantLookup, cartId: string | null, variantIds: string[]): Promise<VariantMap> {
    const lines = cartId ? await findLinesByCartIds(this.db, [cartId]) : [];
    const ids = [...new Set([...variantIds, ...lines.map((l) => l.variant_id)])];
    const found = await lookup(ids);
    return new Map(ids.map((id, i) => [id, found[i] ?? null]));
  }

  /** Looks up what a line appearing since the first lookup needs (rare: a concurrent add). */
  async #complete(variants: VariantMap, lookup: VariantLookup, lines: { variantId: string }[]): Promise<VariantMap> {
    const missing = [...new Set(lines.map((l) => l.variantId))].filter((id) => !variants.has(id));
    if (missing.length === 0) return variants;
    const found = await lookup(missing);
    missing.forEach((id, i) => {
      variants.set(id, found[i] ?? null);
    });
    return variants;
  }
}
