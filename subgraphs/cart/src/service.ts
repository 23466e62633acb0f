import type { SubgraphDefinition } from "@retailer/kit";
import { z } from "zod";
import { Carts } from "./carts.js";
import { CatalogClient } from "./catalog.js";
import type { CartServices } from "./context.js";
import type { CartDatabase } from "./db/database.js";
import { migrations } from "./db/migrations/index.js";
import { subscribeToOrders } from "./events.js";
import { type CartLoaders, createLoaders } from "./loaders.js";
import { CartLineResolver, CartResolver, cartReference } from "./schema/cart.js";
import { CartMutations } from "./schema/cart-mutations.js";
import { CartInternal } from "./schema/internal.js";
import { User, UserCartResolver, userReference } from "./schema/user.js";

const env = {
  /** The shop's currency (ISO 4217), as catalog's: an empty cart's subtotal is in it. */
  SHOP_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD")
    .default("USD"),
  /** Carts untouched this many days are deleted. */
  CART_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  /** How often the purge of untouched carts runs. */
  CART_PURGE_INTERVAL_MS: z.coerce.number().int().min(1_000).default(3_600_000),
};

export const cart: SubgraphDefinition<CartDatabase, CartLoaders, CartServices, typeof env> = {
  name: "cart",
  defaultPort: 8083,
  migrations,
  resolvers: [CartResolver, CartLineResolver, CartMutations, UserCartResolver, CartInternal],
  orphanedTypes: [User],
  referenceResolvers: { Cart: cartReference, User: userReference },
  loaders: createLoaders,
  env,
  setup: ({ db, bus, internal, config, log }) => {
    const carts = new Carts(db);
    let purge: NodeJS.Timeout | undefined;
    return {
      services: { internal, catalog: new CatalogClient(internal), carts, currency: config.SHOP_CURRENCY },
      start: async () => {
        await subscribeToOrders(bus, carts, log);
        // Every replica may run it: deleting what is already gone does nothing.
        purge = setInterval(() => {
          carts
            .purge(config.CART_RETENTION_DAYS)
            .then((count) => {
              if (count > 0) log.info({ count }, "purged untouched carts");
            })
            .catch((error: unknown) => log.warn({ err: error }, "cart purge failed"));
        }, config.CART_PURGE_INTERVAL_MS);
        purge.unref();
      },
      onShutdown: async () => {
        clearInterval(purge);
      },
    };
  },
};
