import { isUuid, loaderById, loaderByParent } from "@retailer/kit";
import type { Kysely } from "kysely";
import type { OrdersDatabase } from "./db/database.js";
import { findHistoryByOrderIds, findLinesByOrderIds, findOrdersByIds } from "./db/order.repository.js";

export function createLoaders(db: Kysely<OrdersDatabase>) {
  return {
    order: loaderById((ids) => findOrdersByIds(db, ids.filter(isUuid))),
    linesOfOrder: loaderByParent(
      (ids: readonly string[]) => findLinesByOrderIds(db, ids),
      (l) => l.order_id,
    ),
    historyOfOrder: loaderByParent(
      (ids: readonly string[]) => findHistoryByOrderIds(db, ids),
      (h) => h.order_id,
    ),
  };
}

export type OrdersLoaders = ReturnType<typeof createLoaders>;
