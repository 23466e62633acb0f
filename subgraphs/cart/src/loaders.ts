import { isUuid, loaderById, loaderByParent } from "@retailer/kit";
import DataLoader from "dataloader";
import type { Kysely } from "kysely";
import { type CatalogClient, type CatalogVariant, MAX_VARIANTS_PER_CALL } from "./catalog.js";
import { findCartsByIds, findLinesByCartIds, findOpenCartsOfCustomers } from "./db/cart.repository.js";
import type { CartDatabase, CartRow } from "./db/database.js";

/** Per request: every entity and relation batched, one SQL query (or one catalog call) per kind per tick. */
export function createLoaders(db: Kysely<CartDatabase>) {
  let variants: DataLoader<string, CatalogVariant | null> | undefined;
  return {
    cart: loaderById((ids) => findCartsByIds(db, ids.filter(isUuid))),
    linesOfCart: loaderByParent(
      (ids: readonly string[]) => findLinesByCartIds(db, ids),
      (l) => l.cart_id,
    ),
    openCartOfCustomer: new DataLoader<string, CartRow | null>(async (customerIds) => {
      const rows = await findOpenCartsOfCustomers(db, customerIds);
      const byCustomer = new Map(rows.map((row) => [row.customer_id, row]));
      return customerIds.map((id) => byCustomer.get(id) ?? null);
    }),
    /**
     * Catalog's current price and availability of variants: every id asked in
     * the request's tick goes in one internal call, and the answers are kept
     * for the rest of the request. kit builds loaders from the database
     * alone, so this one is bound to the catalog client on first use.
     */
    variants(catalog: CatalogClient, requestId?: string): DataLoader<string, CatalogVariant | null> {
      variants ??= new DataLoader<string, CatalogVariant | null>(
        async (ids) => {
          const found = await catalog.variants(ids, requestId);
          return ids.map((_, i) => found[i] ?? null);
        },
        { maxBatchSize: MAX_VARIANTS_PER_CALL },
      );
      return variants;
    },
  };
}

export type CartLoaders = ReturnType<typeof createLoaders>;
