import { isUuid, loaderById, loaderByParent } from "@retailer/kit";
import DataLoader from "dataloader";
import type { Kysely } from "kysely";
import type { PaymentRow, PaymentsDatabase } from "./db/database.js";
import { findPaymentsByIds, findPaymentsByOrderIds } from "./db/payment.repository.js";
import { findRefundsByIds, findRefundsByPaymentIds } from "./db/refund.repository.js";

export function createLoaders(db: Kysely<PaymentsDatabase>) {
  return {
    payment: loaderById((ids) => findPaymentsByIds(db, ids.filter(isUuid))),
    paymentOfOrder: new DataLoader<string, PaymentRow | null>(async (orderIds) => {
      const rows = await findPaymentsByOrderIds(db, orderIds.filter(isUuid));
      const byOrder = new Map(rows.map((row) => [row.order_id, row]));
      return orderIds.map((id) => byOrder.get(id) ?? null);
    }),
    refund: loaderById((ids) => findRefundsByIds(db, ids.filter(isUuid))),
    refundsOfPayment: loaderByParent(
      (ids: readonly string[]) => findRefundsByPaymentIds(db, ids.filter(isUuid)),
      (refund) => refund.payment_id,
    ),
  };
}

export type PaymentsLoaders = ReturnType<typeof createLoaders>;
