import type { Kysely } from "kysely";
import type { PaymentRow, PaymentsDatabase } from "./database.js";

type Db = Kysely<PaymentsDatabase>;

export const findPaymentsByIds = (db: Db, ids: readonly string[]): Promise<PaymentRow[]> =>
  db.selectFrom("payment").selectAll().where("id", "in", ids).execute();

export const findPaymentsByOrderIds = (db: Db, orderIds: readonly string[]): Promise<PaymentRow[]> =>
  db.selectFrom("payment").selectAll().where("order_id", "in", orderIds).execute();
