import Stripe from "stripe";
import type {
  CreatedIntent,
  CreateIntentInput,
  PaymentProvider,
  ProviderIntent,
  ProviderRefund,
  RefundInput,
} from "./provider.js";
import { toProviderError } from "./stripe-errors.js";
import { toIntentStatus, toRefundStatus } from "./stripe-status.js";

export { intentIdempotencyKey } from "./idempotency-keys.js";

export interface StripeProviderConfig {
  /** STRIPE_SECRET_KEY */
  secretKey: string;
  /** STRIPE_API_HOST, STRIPE_API_PORT, STRIPE_API_PROTOCOL: a local server in tests. */
  host?: string;
  port?: number;
  protocol?: "http" | "https";
  /** Per attempt, in milliseconds. */
  timeoutMs?: number;
  /** Retries of connection errors, 409 and 5xx, with the same idempotency key. */
  maxNetworkRetries?: number;
}

export const defaultStripeTimeoutMs = 10_000;
export const defaultStripeMaxNetworkRetries = 2;

/** Refund reasons Stripe accepts; any other reason travels in the refund's metadata. */
const stripeRefundReasons = new Set<string>(["duplicate", "fraudulent", "requested_by_customer"]);

/** Stripe allows metadata values up to 500 characters. */
const metadataValue = (value: string): string => value.slice(0, 500);

/** The STRIPE provider: PaymentIntents and Refunds through the official SDK. */
export class StripeProvider implements PaymentProvider {
  readonly name = "STRIPE";
  readonly #stripe: Stripe;

  constructor(config: StripeProviderConfig) {
    this.#stripe = new Stripe(config.secretKey, {
      maxNetworkRetries: config.maxNetworkRetries ?? defaultStripeMaxNetworkRetries,
      timeout: config.timeoutMs ?? defaultStripeTimeoutMs,
      ...(config.host ? { host: config.host } : {}),
      ...(config.port ? { port: config.port } : {}),
      ...(config.protocol ? { protocol: config.protocol } : {}),
    });
  }

  async createIntent(input: CreateIntentInput): Promise<CreatedIntent> {
    const intent = await call(() =>
      this.#stripe.paymentIntents.create(
        {
          amount: input.amount,
          currency: input.currency.toLowerCase(),
          automatic_payment_methods: { enabled: true },
          metadata: { order_id: input.orderId },
          ...(input.customerEmail ? { receipt_email: input.customerEmail } : {}),
        },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    if (!intent.client_secret) {
      throw toProviderError(new Error(`PaymentIntent ${intent.id} came back without a client secret`));
    }
    return { ...toProviderIntent(intent), clientSecret: intent.client_secret };
  }

  async retrieve(providerRef: string): Promise<ProviderIntent> {
    return toProviderIntent(await call(() => this.#stripe.paymentIntents.retrieve(providerRef)));
  }

  async cancel(providerRef: string, idempotencyKey: string): Promise<ProviderIntent> {
    try {
      return toProviderIntent(await this.#stripe.paymentIntents.cancel(providerRef, {}, { idempotencyKey }));
    } catch (error) {
      // Too late (already canceled or succeeded): Stripe sends the PaymentIntent as it stands.
      const intent = error instanceof Stripe.errors.StripeError ? error.payment_intent : undefined;
      if (error instanceof Stripe.errors.StripeError && error.code === "payment_intent_unexpected_state" && intent) {
        return toProviderIntent(intent);
      }
      throw toProviderError(error);
    }
  }

  async refund(input: RefundInput): Promise<ProviderRefund> {
    const reason = input.reason?.trim() || null;
    const known = reason !== null && stripeRefundReasons.has(reason);
    const refund = await call(() =>
      this.#stripe.refunds.create(
        {
          payment_intent: input.providerRef,
          amount: input.amount,
          ...(known ? { reason } : {}),
          ...(reason && !known ? { metadata: { reason: metadataValue(reason) } } : {}),
        },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return { refundRef: refund.id, status: toRefundStatus(refund.status), amount: refund.amount };
  }
}

async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw toProviderError(error);
  }
}

function toProviderIntent(intent: Stripe.PaymentIntent): ProviderIntent {
  return {
    providerRef: intent.id,
    status: toIntentStatus(intent.status),
    amount: intent.amount,
    currency: intent.currency.toUpperCase(),
    failureReason: intent.last_payment_error?.message ?? null,
  };
}
