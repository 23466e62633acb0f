import { randomBytes } from "node:crypto";
import type { Stack } from "@retailer/testing";
import Stripe from "stripe";

/** Stripe webhook deliveries as Stripe makes them: pretty-printed JSON events, signed over the raw body. */

export const WEBHOOK_SECRET = "whsec_payments_integration_test";
const stripe = new Stripe("sk_test_unused_for_signing");

export const now = (): number => Math.floor(Date.now() / 1000);
export const eventId = (): string => `evt_${randomBytes(12).toString("hex")}`;

export function stripeEvent(
  type: string,
  object: Record<string, unknown>,
  options: { id?: string; created?: number } = {},
): string {
  return JSON.stringify(
    {
      id: options.id ?? eventId(),
      object: "event",
      api_version: "2025-01-01",
      created: options.created ?? now(),
      livemode: false,
      type,
      data: { object },
    },
    null,
    2,
  );
}

export const intent = (ref: string, fields: Record<string, unknown> = {}) => ({
  id: ref,
  object: "payment_intent",
  amount: 2500,
  amount_received: 0,
  currency: "usd",
  status: "requires_payment_method",
  last_payment_error: null,
  ...fields,
});

export const succeededEvent = (ref: string, options: { id?: string; created?: number; amount?: number } = {}) =>
  stripeEvent(
    "payment_intent.succeeded",
    intent(ref, {
      status: "succeeded",
      amount: options.amount ?? 2500,
      amount_received: options.amount ?? 2500,
    }),
    options,
  );

export const failedEvent = (ref: string, options: { id?: string; created?: number } = {}) =>
  stripeEvent(
    "payment_intent.payment_failed",
    intent(ref, {
      last_payment_error: { type: "card_error", code: "card_declined", message: "Your card has insufficient funds." },
    }),
    options,
  );

export const refundedEvent = (ref: string, amountRefunded: number) =>
  stripeEvent("charge.refunded", {
    id: `ch_${randomBytes(8).toString("hex")}`,
    object: "charge",
    amount: 2500,
    amount_refunded: amountRefunded,
    currency: "usd",
    payment_intent: ref,
  });

export const sign = (payload: string, options: { secret?: string; timestamp?: number } = {}): string =>
  stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? WEBHOOK_SECRET,
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
  });

/** POSTs to the payments service itself, as Stripe (or `stripe listen`) does: no router, no request signature. */
export async function deliver(stack: Stack, payload: string, header: string | null = sign(payload)) {
  const url = new URL("/webhooks/stripe", stack.subgraphs.payments?.url as string);
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8", ...(header ? { "stripe-signature": header } : {}) },
    body: payload,
  });
  return { status: response.status, body: (await response.json()) as { outcome?: string; reason?: string } };
}

/** The settings that point payments at a local fake Stripe. */
export const stripeEnv = (fake: { secretKey: string; host: string; port: number }): Record<string, string> => ({
  STRIPE_SECRET_KEY: fake.secretKey,
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_API_HOST: fake.host,
  STRIPE_API_PORT: String(fake.port),
  STRIPE_API_PROTOCOL: "http",
  STRIPE_TIMEOUT_MS: "1000",
  STRIPE_MAX_NETWORK_RETRIES: "0",
});
