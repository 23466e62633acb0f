import type { SubgraphDefinition } from "@retailer/kit";
import type { OrdersDatabase } from "./db/database.js";
import { migrations } from "./db/migrations/index.js";
import { createLoaders, type OrdersLoaders } from "./loaders.js";
import { OrderResolver, orderReference } from "./schema/order.js";

export const orders: SubgraphDefinition<OrdersDatabase, OrdersLoaders> = {
  name: "orders",
  defaultPort: 8084,
  migrations,
  resolvers: [OrderResolver],
  referenceResolvers: { Order: orderReference },
  loaders: createLoaders,
};
