import type { InternalClient } from "@retailer/kit";

/** What the cart needs to know of a variant, as catalog says now. */
export interface CatalogVariant {
  id: string;
  sku: string;
  name: string;
  price: { amount: number; currencyCode: string };
  availableQuantity: number;
  inStock: boolean;
  product: { id: string; name: string; status: "DRAFT" | "ACTIVE" | "ARCHIVED" };
}

/** Looks variants up by id: answers in the order asked, null for an id catalog does not know. */
export type VariantLookup = (ids: readonly string[]) => Promise<(CatalogVariant | null)[]>;

const INTERNAL_VARIANTS = `query CartVariants($ids: [ID!]!) {
  internalVariants(ids: $ids) {
    id sku name price { amount currencyCode } availableQuantity inStock product { id name status }
  }
}`;

/** catalog's internalVariants answers at most this many ids per call. */
export const MAX_VARIANTS_PER_CALL = 500;

/**
 * Current prices and availability, asked of catalog's internal
 * `internalVariants` query with a service token. The cart keeps no copy:
 * every request reads what catalog says now, batched into one call per
 * request by the `variants` loader.
 */
export class CatalogClient {
  constructor(private readonly internal: InternalClient) {}

  async variants(ids: readonly string[], requestId?: string): Promise<(CatalogVariant | null)[]> {
    if (ids.length === 0) return [];
    const data = await this.internal.call<{ internalVariants: (CatalogVariant | null)[] }>(
      "catalog",
      INTERNAL_VARIANTS,
      { ids },
      // A read: safe to try again when catalog is briefly unreachable.
      { retries: 2, ...(requestId ? { requestId } : {}) },
    );
    return data.internalVariants;
  }
}
