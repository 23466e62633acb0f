import type { SubgraphContext } from "@retailer/kit";
import type { CatalogAdmin } from "./catalog-admin.js";
import type { CatalogDatabase } from "./db/database.js";
import type { CatalogLoaders } from "./loaders.js";
import type { Stock } from "./stock.js";

export interface CatalogServices {
  admin: CatalogAdmin;
  stock: Stock;
}

export type Context = SubgraphContext<CatalogDatabase, CatalogLoaders, CatalogServices>;
