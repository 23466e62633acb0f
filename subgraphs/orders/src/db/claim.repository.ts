import type { Kysely } from "kysely";
import type { ClaimRow, OrdersDatabase } from "./database.js";

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
