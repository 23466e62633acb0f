import type { InternalClient, SubgraphContext } from "@retailer/kit";
import type { Carts } from "./carts.js";
import type { CatalogClient, VariantLookup } from "./catalog.js";
import type { CartDatabase } from "./db/database.js";
import type { CartLoaders } from "./loaders.js";

export interface CartServices {
  /** Calls other subgraphs' internal operations as the cart service. */
  internal: InternalClient;
  catalog: CatalogClient;
  carts: Carts;
  /** The shop's currency: what an empty cart's subtotal is in. */
  currency: string;
}

export type Context = SubgraphContext<CartDatabase, CartLoaders, CartServices>;

/** The request's variant loader over catalog: one internal call for every variant asked in a tick. */
export const variantLoader = (ctx: Context) => ctx.loaders.variants(ctx.services.catalog, ctx.requestId);

/** Variant lookups for the domain, through the request's loader (so answers are shared with the fields read after). */
export const variantLookup =
  (ctx: Context): VariantLookup =>
  async (ids) =>
    (await variantLoader(ctx).loadMany(ids)).map((v) => {
      if (v instanceof Error) throw v;
      return v;
    });
