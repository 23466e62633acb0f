import type { SubgraphContext } from "@retailer/kit";
import type { OrdersDatabase } from "./db/database.js";
import type { OrdersLoaders } from "./loaders.js";

export type Context = SubgraphContext<OrdersDatabase, OrdersLoaders>;
