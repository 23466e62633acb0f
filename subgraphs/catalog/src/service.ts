import type { SubgraphDefinition } from "@retailer/kit";
import { z } from "zod";
import { CatalogAdmin } from "./catalog-admin.js";
import type { CatalogServices } from "./context.js";
import type { CatalogDatabase } from "./db/database.js";
import { migrations } from "./db/migrations/index.js";
import { subscribeToOrders } from "./events.js";
import { type CatalogLoaders, createLoaders } from "./loaders.js";
import { AdminMutations } from "./schema/admin-mutations.js";
import { CategoryFields, categoryReference } from "./schema/category.js";
import { ProductConnectionFields } from "./schema/listing.js";
import { ProductFields, productReference } from "./schema/product.js";
import { CatalogQueries } from "./schema/queries.js";
import { StockInternal } from "./schema/stock-internal.js";
import { ProductVariantFields, variantReference } from "./schema/variant.js";
import { Stock } from "./stock.js";

const env = {
  /** The shop's currency (ISO 4217): prices of new variants are in it. */
  SHOP_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD")
    .default("USD"),
};

export const catalog: SubgraphDefinition<CatalogDatabase, CatalogLoaders, CatalogServices, typeof env> = {
  name: "catalog",
  defaultPort: 8082,
  migrations,
  resolvers: [
    CatalogQueries,
    AdminMutations,
    StockInternal,
    ProductFields,
    ProductConnectionFields,
    ProductVariantFields,
    CategoryFields,
  ],
  referenceResolvers: {
    Product: productReference,
    ProductVariant: variantReference,
    Category: categoryReference,
  },
  loaders: createLoaders,
  env,
  setup: ({ db, bus, config }) => {
    const stock = new Stock(db, bus);
    return {
      services: { admin: new CatalogAdmin(db, bus, config.SHOP_CURRENCY), stock },
      start: () => subscribeToOrders(bus, db, stock),
    };
  },
};
