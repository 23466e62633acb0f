import type { SubgraphContext } from "@retailer/kit";
import type { CartDatabase } from "./db/database.js";
import type { CartLoaders } from "./loaders.js";

export type Context = SubgraphContext<CartDatabase, CartLoaders>;
