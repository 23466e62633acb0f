import type { Insertable, Kysely, Updateable } from "kysely";
import type { PaymentRow, PaymentsDatabase, PaymentTable } from "./database.js";

type Db = Kysely<PaymentsDatabase>;

export const findPaymentsByIds = (db: Db, ids: readonly string[]): Promise<PaymentRow[]> =>
  db.selectFrom("payment").selectAll().where("id", "in", ids).execute();

export const findPaymentsByOrderIds = (db: Db, orderIds: readonly string[]): Promise<PaymentRow[]> =>
  db.selectFrom("payment").selectAll().where("order_id", "in", orderIds).execute();

export const findPaymentById = (db: Db, id: string): Promise<PaymentRow | undefined> =>
  db.selectFrom("payment").selectAll().where("id", "=", id).executeTakeFirst();

export const findPaymentByOrderId = (db: Db, orderId: string): Promise<PaymentRow | undefined> =>
  db.selectFrom("payment").selectAll().where("order_id", "=", orderId).executeTakeFirst();

/** The payment, locked for the rest of the transaction. */
export const lockPayment = (db: Db, id: string): Promise<PaymentRow | undefined> =>
  db.selectFrom("payment").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();

export const lockPaymentByProviderRef = (db: Db, providerRef: string): Promise<PaymentRow | undefined> =>
  db.selectFrom("payment").selectAll().where("provider_ref", "=", providerRef).forUpdate().executeTakeFirst();

/**
 * Stores the order's payment unless it has one: concurrent calls for one
 * order insert one row (order_id is unique). Undefined when it existed.
 */
export const insertPaymentIfAbsent = (
  db: Db,
  values: Omit<Insertable<PaymentTable>, "id" | "amount_refunded" | "created_at" | "updated_at">,
): Promise<PaymentRow | undefined> =>
  db
    .insertInto("payment")
    .values(values)
    .onConflict((oc) => oc.column("order_id").doNothing())
    .returningAll()
    .executeTakeFirst();

export const updatePayment = (
  db: Db,
  id: string,
  changes: Pick<Updateable<PaymentTable>, "status" | "failure_reason" | "amount_refunded">,
): Promise<PaymentRow> =>
  db
    .updateTable("payment")
    .set({ ...changes, updated_at: new Date() })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
