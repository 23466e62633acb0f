import { businessCounter, ConfigError, type SubgraphDefinition } from "@retailer/kit";
import { z } from "zod";
import type { PaymentsServices } from "./context.js";
import type { PaymentsDatabase } from "./db/database.js";
import { migrations } from "./db/migrations/index.js";
import { createLoaders, type PaymentsLoaders } from "./loaders.js";
import type { OrderStatusChanged } from "./payment-events.js";
import { Payments } from "./payments.js";
import { selectProvider } from "./providers/index.js";
import { Refunds } from "./refunds.js";
import { InternalPaymentOperations } from "./schema/internal-operations.js";
import {
  OrderPaymentResolver,
  orderReference,
  PaymentResolver,
  paymentReference,
  refundReference,
} from "./schema/payment.js";
import { PaymentMutations } from "./schema/payment-mutations.js";
import { stripeWebhookRoute } from "./stripe-webhook-route.js";

const env = {
  /** Set: payments go through Stripe. Unset: the built-in TEST provider. */
  STRIPE_SECRET_KEY: z.string().optional(),
  /** Verifies POST /webhooks/stripe (whsec_...); required with STRIPE_SECRET_KEY. */
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  /** Point the Stripe SDK elsewhere (tests: a local server). */
  STRIPE_API_HOST: z.string().min(1).optional(),
  STRIPE_API_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  STRIPE_API_PROTOCOL: z.enum(["http", "https"]).optional(),
  /** Per attempt of a Stripe call. */
  STRIPE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).optional(),
  /** Retries of a Stripe call (same idempotency key) after a connection error, 409 or 5xx. */
  STRIPE_MAX_NETWORK_RETRIES: z.coerce.number().int().min(0).max(10).optional(),
  /** The TEST provider even with NODE_ENV=production (it charges nothing). */
  PAYMENTS_ALLOW_TEST_PROVIDER: z.stringbool().default(false),
};

export const payments: SubgraphDefinition<PaymentsDatabase, PaymentsLoaders, PaymentsServices, typeof env> = {
  name: "payments",
  defaultPort: 8085,
  migrations,
  resolvers: [OrderPaymentResolver, PaymentResolver, PaymentMutations, InternalPaymentOperations],
  referenceResolvers: { Order: orderReference, Payment: paymentReference, Refund: refundReference },
  loaders: createLoaders,
  env,
  setup: ({ db, bus, config, log, metrics }) => {
    if (config.STRIPE_SECRET_KEY?.trim() && !config.STRIPE_WEBHOOK_SECRET?.trim()) {
      throw new ConfigError([
        "STRIPE_WEBHOOK_SECRET: required when STRIPE_SECRET_KEY is set (payments settle only through verified webhooks)",
      ]);
    }
    const provider = selectProvider({
      nodeEnv: config.NODE_ENV,
      stripeSecretKey: config.STRIPE_SECRET_KEY,
      stripeApiHost: config.STRIPE_API_HOST,
      stripeApiPort: config.STRIPE_API_PORT,
      stripeApiProtocol: config.STRIPE_API_PROTOCOL,
      stripeTimeoutMs: config.STRIPE_TIMEOUT_MS,
      stripeMaxNetworkRetries: config.STRIPE_MAX_NETWORK_RETRIES,
      allowTestProvider: config.PAYMENTS_ALLOW_TEST_PROVIDER,
    });
    log.info({ provider: provider.name }, "payment provider selected");
    const payments = businessCounter(metrics, "retailer_payments_total", "Payments by outcome.", ["outcome"]);
    const deps = { db, bus, provider, log, count: (outcome: string) => payments.inc({ outcome }) };
    const refunds = new Refunds(deps);
    const service = new Payments(deps, refunds);
    const webhookSecret = provider.name === "STRIPE" ? config.STRIPE_WEBHOOK_SECRET?.trim() : undefined;
    return {
      services: { payments: service, refunds, provider },
      routes: (app) => stripeWebhookRoute(app, { secret: webhookSecret, payments: service, log }),
      start: () =>
        bus.subscribe<OrderStatusChanged>("order.status_changed", (event) => service.onOrderStatusChanged(event)),
    };
  },
};
