import type { SubgraphContext } from "@retailer/kit";
import type { CatalogDatabase } from "./db/database.js";
import type { CatalogLoaders } from "./loaders.js";

export type Context = SubgraphContext<CatalogDatabase, CatalogLoaders>;
