import { isUuid, loaderById } from "@retailer/kit";
import DataLoader from "dataloader";
import type { Kysely } from "kysely";
import type { PaymentRow, PaymentsDatabase } from "./db/database.js";
import { findPaymentsByIds, findPaymentsByOrderIds } from "./db/payment.repository.js";

export function createLoaders(db: Kysely<PaymentsDatabase>) {
  return {
    payment: loaderById((ids) => findPaymentsByIds(db, ids.filter(isUuid))),
    paymentOfOrder: new DataLoader<string, PaymentRow | null>(async (orderIds) => {
      const rows = await findPaymentsByOrderIds(db, orderIds.filter(isUuid));
      const byOrder = new Map(rows.map((row) => [row.order_id, row]));
      return orderIds.map((id) => byOrder.get(id) ?? null);
    }),
  };
}

export type PaymentsLoaders = ReturnType<typeof createLoaders>;
