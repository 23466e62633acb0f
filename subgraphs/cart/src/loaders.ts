import { isUuid, loaderById, loaderByParent } from "@retailer/kit";
import type { Kysely } from "kysely";
import { findCartsByIds, findLinesByCartIds } from "./db/cart.repository.js";
import type { CartDatabase } from "./db/database.js";

export function createLoaders(db: Kysely<CartDatabase>) {
  return {
    cart: loaderById((ids) => findCartsByIds(db, ids.filter(isUuid))),
    linesOfCart: loaderByParent(
      (ids: readonly string[]) => findLinesByCartIds(db, ids),
      (l) => l.cart_id,
    ),
  };
}

export type CartLoaders = ReturnType<typeof createLoaders>;
