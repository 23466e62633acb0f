import type { SubgraphDefinition } from "@retailer/kit";
import type { CartDatabase } from "./db/database.js";
import { migrations } from "./db/migrations/index.js";
import { type CartLoaders, createLoaders } from "./loaders.js";
import { CartResolver, cartReference } from "./schema/cart.js";

export const cart: SubgraphDefinition<CartDatabase, CartLoaders> = {
  name: "cart",
  defaultPort: 8083,
  migrations,
  resolvers: [CartResolver],
  referenceResolvers: { Cart: cartReference },
  loaders: createLoaders,
};
