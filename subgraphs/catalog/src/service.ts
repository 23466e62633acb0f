import type { SubgraphDefinition } from "@retailer/kit";
import type { CatalogDatabase } from "./db/database.js";
import { migrations } from "./db/migrations/index.js";
import { type CatalogLoaders, createLoaders } from "./loaders.js";
import { CategoryFields, categoryReference } from "./schema/category.js";
import { ProductFields, productReference } from "./schema/product.js";
import { CatalogQueries } from "./schema/queries.js";
import { ProductVariantFields, variantReference } from "./schema/variant.js";

export const catalog: SubgraphDefinition<CatalogDatabase, CatalogLoaders> = {
  name: "catalog",
  defaultPort: 8082,
  migrations,
  resolvers: [CatalogQueries, ProductFields, ProductVariantFields, CategoryFields],
  referenceResolvers: {
    Product: productReference,
    ProductVariant: variantReference,
    Category: categoryReference,
  },
  loaders: createLoaders,
};
