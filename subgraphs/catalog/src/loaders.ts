import { loaderById, loaderByParent } from "@retailer/kit";
import type { Kysely } from "kysely";
import { findCategoriesByIds, findChildCategories } from "./db/category.repository.js";
import type { CatalogDatabase } from "./db/database.js";
import { findProductsByIds } from "./db/product.repository.js";
import { findVariantsByIds, findVariantsByProductIds } from "./db/variant.repository.js";

/** Per request: every entity and relation batched, one SQL query per kind per tick. */
export function createLoaders(db: Kysely<CatalogDatabase>) {
  return {
    product: loaderById((ids) => findProductsByIds(db, ids)),
    variant: loaderById((ids) => findVariantsByIds(db, ids)),
    category: loaderById((ids) => findCategoriesByIds(db, ids)),
    variantsOfProduct: loaderByParent(
      (ids: readonly string[]) => findVariantsByProductIds(db, ids),
      (v) => v.product_id,
    ),
    childrenOfCategory: loaderByParent(
      (ids: readonly string[]) => findChildCategories(db, ids),
      (c) => c.parent_id as string,
    ),
  };
}

export type CatalogLoaders = ReturnType<typeof createLoaders>;
