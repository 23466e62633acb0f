import { isUuid, loaderById } from "@retailer/kit";
import type { Kysely } from "kysely";
import type { OrdersDatabase } from "./db/database.js";
import { findOrdersByIds } from "./db/order.repository.js";

export function createLoaders(db: Kysely<OrdersDatabase>) {
  return {
    order: loaderById((ids) => findOrdersByIds(db, ids.filter(isUuid))),
  };
}

export type OrdersLoaders = ReturnType<typeof createLoaders>;
