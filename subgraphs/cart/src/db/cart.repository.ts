import { type Kysely, sql } from "kysely";
import type { CartDatabase, CartLineRow, CartRow } from "./database.js";

type Db = Kysely<CartDatabase>;

/** All SQL of carts and their lines. Every function takes the database or a transaction first. */

export const findCartsByIds = async (db: Db, ids: readonly string[]): Promise<CartRow[]> =>
  ids.length === 0 ? [] : db.selectFrom("cart").selectAll().where("id", "in", ids).execute();

export const findOpenCartsOfCustomers = async (db: Db, customerIds: readonly string[]): Promise<CartRow[]> =>
  customerIds.length === 0
    ? []
    : db.selectFrom("cart").selectAll().where("customer_id", "in", customerIds).where("status", "=", "OPEN").execute();

export const findLinesByCartIds = async (db: Db, cartIds: readonly string[]): Promise<CartLineRow[]> =>
  cartIds.length === 0
    ? []
    : db
        .selectFrom("cart_line")
        .selectAll()
        .where("cart_id", "in", cartIds)
        .orderBy("cart_id")
        .orderBy("position")
        .execute();

/** The cart, locked until the transaction ends: changes to one cart are serialised. */
export const lockCart = (trx: Db, id: string): Promise<CartRow | undefined> =>
  trx.selectFrom("cart").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();

export const lockOpenCartOfCustomer = (trx: Db, customerId: string): Promise<CartRow | undefined> =>
  trx
    .selectFrom("cart")
    .selectAll()
    .where("customer_id", "=", customerId)
    .where("status", "=", "OPEN")
    .forUpdate()
    .executeTakeFirst();

export const insertGuestCart = (trx: Db): Promise<CartRow> =>
  trx.insertInto("cart").values({ customer_id: null }).returningAll().executeTakeFirstOrThrow();

/**
 * A new open cart for the customer, or undefined when they already have one
 * (the unique index on open carts per customer; a concurrent insert is waited for).
 */
export const insertCustomerCart = (trx: Db, customerId: string): Promise<CartRow | undefined> =>
  trx
    .insertInto("cart")
    .values({ customer_id: customerId })
    .onConflict((oc) =>
      oc.column("customer_id").where("status", "=", "OPEN").where("customer_id", "is not", null).doNothing(),
    )
    .returningAll()
    .executeTakeFirst();

/**
 * Writes the final quantity of each variant's line: inserts new lines (in
 * the order given) and overwrites the quantity of existing ones.
 */
export const saveLineQuantities = async (
  trx: Db,
  cartId: string,
  lines: readonly { variantId: string; quantity: number }[],
): Promise<void> => {
  if (lines.length === 0) return;
  await trx
    .insertInto("cart_line")
    .values(lines.map((l) => ({ cart_id: cartId, variant_id: l.variantId, quantity: l.quantity })))
    .onConflict((oc) =>
      oc.columns(["cart_id", "variant_id"]).doUpdateSet((eb) => ({
        quantity: eb.ref("excluded.quantity"),
        updated_at: sql<Date>`now()`,
      })),
    )
    .execute();
};

export const deleteLines = async (trx: Db, cartId: string, lineIds: readonly string[]): Promise<void> => {
  if (lineIds.length === 0) return;
  await trx.deleteFrom("cart_line").where("cart_id", "=", cartId).where("id", "in", lineIds).execute();
};

/** Marks the cart changed now; answers it as it is after the change. */
export const touchCart = (trx: Db, id: string): Promise<CartRow> =>
  trx
    .updateTable("cart")
    .set({ updated_at: sql<Date>`now()` })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();

/** A guest cart becomes the customer's. */
export const assignCart = (trx: Db, id: string, customerId: string): Promise<CartRow> =>
  trx
    .updateTable("cart")
    .set({ customer_id: customerId, updated_at: sql<Date>`now()` })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();

/** A guest cart whose lines moved into the customer's cart `into`: closed, and the customer's from now on. */
export const markMerged = async (trx: Db, id: string, customerId: string, into: string): Promise<void> => {
  await trx
    .updateTable("cart")
    .set({ status: "MERGED", customer_id: customerId, merged_into: into, updated_at: sql<Date>`now()` })
    .where("id", "=", id)
    .execute();
};

/** OPEN -> CONVERTED for the order placed from it; false when the cart is missing or not open. */
export const markConverted = async (trx: Db, id: string, orderId: string | null): Promise<boolean> => {
  const result = await trx
    .updateTable("cart")
    .set({ status: "CONVERTED", order_id: orderId, updated_at: sql<Date>`now()` })
    .where("id", "=", id)
    .where("status", "=", "OPEN")
    .executeTakeFirst();
  return (result.numUpdatedRows ?? 0n) > 0n;
};

/** CONVERTED -> OPEN: the checkout that closed it failed. */
export const markReopened = (trx: Db, id: string): Promise<CartRow> =>
  trx
    .updateTable("cart")
    .set({ status: "OPEN", order_id: null, updated_at: sql<Date>`now()` })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();

/** Deletes carts (and, by cascade, their lines) untouched since `before`; answers how many. */
export const deleteCartsUntouchedSince = async (db: Db, before: Date): Promise<number> => {
  const result = await db.deleteFrom("cart").where("updated_at", "<", before).executeTakeFirst();
  return Number(result.numDeletedRows ?? 0n);
};
