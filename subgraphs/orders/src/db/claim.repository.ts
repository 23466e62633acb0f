import { type Kysely, sql } from "kysely";
import type { ClaimRow, OrdersDatabase, UndoRow } from "./database.js";

type Db = Kysely<OrdersDatabase>;

/** Claims an idempotency key for a new order id, or finds the claim made before. */
export async function claimCheckout(
  db: Db,
  claim: { scope: string; idempotencyKey: string; cartId: string; orderId: string },
): Promise<ClaimRow> {
  await db
    .insertInto("checkout_claim")
    .values({
      scope: claim.scope,
      idempotency_key: claim.idempotencyKey,
      cart_id: claim.cartId,
      order_id: claim.orderId,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return db
    .selectFrom("checkout_claim")
    .selectAll()
    .where("scope", "=", claim.scope)
    .where("idempotency_key", "=", claim.idempotencyKey)
    .executeTakeFirstOrThrow();
}

/** The claim, locked: one attempt at a time per key; repeats wait and then see the result. */
export const lockClaim = (db: Db, orderId: string): Promise<ClaimRow | undefined> =>
  db.selectFrom("checkout_claim").selectAll().where("order_id", "=", orderId).forUpdate().executeTakeFirst();

export const completeClaim = (db: Db, orderId: string): Promise<unknown> =>
  db.updateTable("checkout_claim").set({ completed: true }).where("order_id", "=", orderId).execute();

/** After a failed, compensated attempt, the key may be tried again. */
export const dropClaim = (db: Db, orderId: string): Promise<unknown> =>
  db.deleteFrom("checkout_claim").where("order_id", "=", orderId).where("completed", "=", false).execute();

/**
 * Claims of attempts that neither completed nor were undone, older than
 * `minutes`: locked, skipping those a running attempt holds.
 */
export const lockAbandonedClaims = (trx: Db, minutes: number, limit: number): Promise<ClaimRow[]> =>
  trx
    .selectFrom("checkout_claim")
    .selectAll()
    .where("completed", "=", false)
    .where("created_at", "<", sql<Date>`now() - make_interval(mins => ${minutes})`)
    .orderBy("created_at")
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();

/**
 * Retires a failed attempt's order id before anything is undone: the claim
 * goes (the key may be tried again, with a new order id) and the undo is
 * recorded, in one transaction. So an order id whose stock may already be
 * released is never used again, even if the process dies mid-undo. Answers
 * false, changing nothing, when the claim is complete: the order committed
 * after all (the commit's answer was lost), so there is nothing to undo.
 */
export const retireClaim = async (trx: Db, claim: { orderId: string; cartId: string }): Promise<boolean> => {
  const row = await trx
    .selectFrom("checkout_claim")
    .select("completed")
    .where("order_id", "=", claim.orderId)
    .forUpdate()
    .executeTakeFirst();
  if (row?.completed) return false;
  await trx
    .insertInto("checkout_undo")
    .values({ order_id: claim.orderId, cart_id: claim.cartId })
    .onConflict((oc) => oc.doNothing())
    .execute();
  await dropClaim(trx, claim.orderId);
  return true;
};

/** Undos not yet finished, locked, skipping those another replica is doing. */
export const lockPendingUndos = (trx: Db, limit: number): Promise<UndoRow[]> =>
  trx.selectFrom("checkout_undo").selectAll().orderBy("created_at").limit(limit).forUpdate().skipLocked().execute();

export const deleteUndo = (trx: Db, orderId: string): Promise<unknown> =>
  trx.deleteFrom("checkout_undo").where("order_id", "=", orderId).execute();
