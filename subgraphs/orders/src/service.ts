import { businessCounter, type SubgraphDefinition } from "@retailer/kit";
import { z } from "zod";
import { Checkout } from "./checkout.js";
import type { OrdersServices } from "./context.js";
import type { OrdersDatabase } from "./db/database.js";
import { migrations } from "./db/migrations/index.js";
import { findOrdersByIds } from "./db/order.repository.js";
import { subscribeToPayments } from "./events.js";
import { Lifecycle } from "./lifecycle.js";
import { LiveUpdates } from "./live-updates.js";
import { createLoaders, type OrdersLoaders } from "./loaders.js";
import { DEFAULT_PRICING, pricingRules } from "./pricing.js";
import { OrderMutations } from "./schema/mutations.js";
import { OrderFields, orderReference } from "./schema/order.js";
import { OrderQueries, UserOrders, userReference } from "./schema/queries.js";
import { OrderSubscriptions } from "./schema/subscriptions.js";
import { Services } from "./services.js";
import { type Sweeps, startSweeps } from "./sweeps.js";

const env = {
  /** Shipping and tax rules as JSON (see docs/orders.md); the defaults are examples. */
  ORDER_PRICING: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return DEFAULT_PRICING;
      try {
        return pricingRules.parse(JSON.parse(text));
      } catch (error) {
        ctx.addIssue({ code: "custom", message: `not valid pricing rules: ${(error as Error).message}` });
        return z.NEVER;
      }
    }),
  ORDER_PAYMENT_TIMEOUT_MINUTES: z.coerce.number().int().min(1).default(30),
  ORDER_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
};

export const orders: SubgraphDefinition<OrdersDatabase, OrdersLoaders, OrdersServices, typeof env> = {
  name: "orders",
  defaultPort: 8084,
  migrations,
  resolvers: [OrderQueries, OrderMutations, OrderSubscriptions, OrderFields, UserOrders],
  referenceResolvers: { Order: orderReference, User: userReference },
  loaders: createLoaders,
  env,
  setup: ({ db, bus, config, internal, log, metrics }) => {
    const orders = businessCounter(
      metrics,
      "retailer_orders_total",
      "Orders placed, and each change by the status reached.",
      ["event"],
    );
    const lifecycle = new Lifecycle(db, bus, (event) => orders.inc({ event }));
    const live = new LiveUpdates(config.DATABASE_URL, log, (ids) => findOrdersByIds(db, ids));
    const checkout = new Checkout(db, new Services(internal), lifecycle, bus, config.ORDER_PRICING, log, () =>
      orders.inc({ event: "placed" }),
    );
    let sweeps: Sweeps | undefined;
    return {
      services: {
        checkout,
        lifecycle,
        live,
        // Guests' order tokens are HMACs with a key of their own, derived from the shared secret.
        tokenSecret: `${config.INTERNAL_SECRET}:order-access`,
        sweepUnpaid: () => sweeps?.sweepUnpaid() ?? Promise.resolve(0),
        sweepAbandoned: () => sweeps?.sweepAbandoned() ?? Promise.resolve(0),
      },
      start: async () => {
        await live.start();
        await subscribeToPayments(bus, lifecycle, log);
        sweeps = startSweeps(db, lifecycle, checkout, log, {
          timeoutMinutes: config.ORDER_PAYMENT_TIMEOUT_MINUTES,
          intervalMs: config.ORDER_SWEEP_INTERVAL_MS,
        });
      },
      onShutdown: async () => {
        sweeps?.stop();
        await live.stop();
      },
    };
  },
};
