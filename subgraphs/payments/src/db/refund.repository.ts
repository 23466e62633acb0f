import type { Insertable, Kysely } from "kysely";
import type { PaymentsDatabase, RefundRow, RefundStatus, RefundTable } from "./database.js";

type Db = Kysely<PaymentsDatabase>;

export const findRefundsByIds = (db: Db, ids: readonly string[]): Promise<RefundRow[]> =>
  db.selectFrom("refund").selectAll().where("id", "in", ids).execute();

export const findRefundsByPaymentIds = (db: Db, paymentIds: readonly string[]): Promise<RefundRow[]> =>
  db
    .selectFrom("refund")
    .selectAll()
    .where("payment_id", "in", paymentIds)
    .orderBy("payment_id")
    .orderBy("created_at")
    .orderBy("id")
    .execute();

/** Refunds sent (or about to be) whose outcome is not known yet, oldest first. */
export const findRequestedRefunds = (db: Db, paymentId: string): Promise<RefundRow[]> =>
  db
    .selectFrom("refund")
    .selectAll()
    .where("payment_id", "=", paymentId)
    .where("status", "=", "REQUESTED")
    .orderBy("created_at")
    .orderBy("id")
    .execute();

export const findCancellationRefund = (db: Db, paymentId: string): Promise<RefundRow | undefined> =>
  db
    .selectFrom("refund")
    .selectAll()
    .where("payment_id", "=", paymentId)
    .where("origin", "=", "ORDER_CANCELLED")
    .executeTakeFirst();

/** What REQUESTED refunds hold back from the amount left to refund. */
export const reservedRefundAmount = async (db: Db, paymentId: string): Promise<number> =>
  (
    await db
      .selectFrom("refund")
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("amount"), eb.lit(0)).as("total"))
      .where("payment_id", "=", paymentId)
      .where("status", "=", "REQUESTED")
      .executeTakeFirstOrThrow()
  ).total;

export const lockRefund = (db: Db, id: string): Promise<RefundRow | undefined> =>
  db.selectFrom("refund").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();

export const insertRefund = (
  db: Db,
  values: Omit<Insertable<RefundTable>, "id" | "created_at" | "updated_at">,
): Promise<RefundRow> => db.insertInto("refund").values(values).returningAll().executeTakeFirstOrThrow();

/** The automatic refund of a cancelled order, at most one per payment; undefined when it existed. */
export const insertCancellationRefundIfAbsent = (
  db: Db,
  values: { payment_id: string; amount: number; reason: string },
): Promise<RefundRow | undefined> =>
  db
    .insertInto("refund")
    .values({ ...values, status: "REQUESTED", origin: "ORDER_CANCELLED" })
    .onConflict((oc) => oc.column("payment_id").where("origin", "=", "ORDER_CANCELLED").doNothing())
    .returningAll()
    .executeTakeFirst();

export const updateRefund = (
  db: Db,
  id: string,
  changes: { status: RefundStatus; provider_ref?: string | null },
): Promise<RefundRow> =>
  db
    .updateTable("refund")
    .set({ ...changes, updated_at: new Date() })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();

export const deleteRequestedRefund = (db: Db, id: string): Promise<unknown> =>
  db.deleteFrom("refund").where("id", "=", id).where("status", "=", "REQUESTED").execute();
