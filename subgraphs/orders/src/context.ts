import type { SubgraphContext } from "@retailer/kit";
import type { Checkout } from "./checkout.js";
import type { OrdersDatabase } from "./db/database.js";
import type { Lifecycle } from "./lifecycle.js";
import type { LiveUpdates } from "./live-updates.js";
import type { OrdersLoaders } from "./loaders.js";

export interface OrdersServices {
  checkout: Checkout;
  lifecycle: Lifecycle;
  live: LiveUpdates;
  /** Signs guests' order access tokens. */
  tokenSecret: string;
  sweepUnpaid(): Promise<number>;
  sweepAbandoned(): Promise<number>;
}

export type Context = SubgraphContext<OrdersDatabase, OrdersLoaders, OrdersServices>;
