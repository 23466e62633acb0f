import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { verifyStripeWebhook, WebhookSignatureError } from "../src/providers/webhook.js";

const secret = "whsec_test_0123456789abcdef";
const stripe = new Stripe("sk_test_unused");
const created = Math.floor(Date.now() / 1000) - 60;

/** A Stripe event as Stripe sends it: pretty-printed JSON. */
function eventPayload(type: string, object: Record<string, unknown>, id = "evt_1"): string {
  return JSON.stringify(
    { id, object: "event", api_version: "2025-01-01", created, livemode: false, type, data: { object } },
    null,
    2,
  );
}

const intent = (fields: Record<string, unknown> = {}) => ({
  id: "pi_123",
  object: "payment_intent",
  amount: 1999,
  amount_received: 0,
  currency: "eur",
  status: "requires_payment_method",
  last_payment_error: null,
  ...fields,
});

const sign = (payload: string, options: { secret?: string; timestamp?: number } = {}): string =>
  stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? secret, timestamp: options.timestamp });

const verify = (payload: string | Buffer, header: string | undefined) => verifyStripeWebhook(payload, header, secret);

function signatureError(run: () => unknown): WebhookSignatureError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookSignatureError);
    expect((error as Error).message).not.toContain(secret);
    return error as WebhookSignatureError;
  }
  throw new Error("expected a WebhookSignatureError");
}

describe("verifyStripeWebhook: events", () => {
  it("normalizes payment_intent.succeeded", () => {
    const payload = eventPayload("payment_intent.succeeded", intent({ status: "succeeded", amount_received: 1999 }));
    expect(verify(payload, sign(payload))).toEqual({
      ignored: false,
      id: "evt_1",
      type: "payment_intent.succeeded",
      provider: "STRIPE",
      providerRef: "pi_123",
      amount: 1999,
      createdAt: new Date(created * 1000),
    });
  });

  it("normalizes payment_intent.payment_failed with Stripe's reason", () => {
    const lastError = { type: "card_error", code: "card_declined", message: "Your card has insufficient funds." };
    const payload = eventPayload("payment_intent.payment_failed", intent({ last_payment_error: lastError }), "evt_2");
    expect(verify(Buffer.from(payload), sign(payload))).toEqual({
      ignored: false,
      id: "evt_2",
      type: "payment_intent.payment_failed",
      provider: "STRIPE",
      providerRef: "pi_123",
      amount: 1999,
      failureReason: "Your card has insufficient funds.",
      createdAt: new Date(created * 1000),
    });
  });

  it("gives payment_failed a reason when Stripe sends none", () => {
    const payload = eventPayload("payment_intent.payment_failed", intent());
    expect(verify(payload, sign(payload))).toMatchObject({ failureReason: "The payment failed." });
  });

  it("normalizes payment_intent.canceled", () => {
    const payload = eventPayload("payment_intent.canceled", intent({ status: "canceled" }), "evt_3");
    expect(verify(payload, sign(payload))).toEqual({
      ignored: false,
      id: "evt_3",
      type: "payment_intent.canceled",
      provider: "STRIPE",
      providerRef: "pi_123",
      amount: 1999,
      createdAt: new Date(created * 1000),
    });
  });

  it("normalizes charge.refunded with the total refunded so far", () => {
    const charge = { id: "ch_1", object: "charge", amount: 1999, amount_refunded: 500, payment_intent: "pi_123" };
    const payload = eventPayload("charge.refunded", charge, "evt_4");
    expect(verify(payload, sign(payload))).toEqual({
      ignored: false,
      id: "evt_4",
      type: "charge.refunded",
      provider: "STRIPE",
      providerRef: "pi_123",
      amount: 1999,
      amountRefunded: 500,
      createdAt: new Date(created * 1000),
    });
  });

  it("ignores event types it does not handle, and a refund of a charge without a PaymentIntent", () => {
    const other = eventPayload("customer.created", { id: "cus_1", object: "customer" }, "evt_5");
    expect(verify(other, sign(other))).toEqual({
      ignored: true,
      id: "evt_5",
      type: "customer.created",
      reason: "event type not handled",
    });

    const charge = { id: "ch_2", object: "charge", amount: 100, amount_refunded: 100, payment_intent: null };
    const orphan = eventPayload("charge.refunded", charge, "evt_6");
    expect(verify(orphan, sign(orphan))).toMatchObject({ ignored: true, id: "evt_6", type: "charge.refunded" });
  });

  it("accepts a signature well within the tolerance", () => {
    const payload = eventPayload("payment_intent.canceled", intent());
    const header = sign(payload, { timestamp: Math.floor(Date.now() / 1000) - 200 });
    expect(verify(payload, header)).toMatchObject({ ignored: false });
  });
});

describe("verifyStripeWebhook: refused requests", () => {
  const payload = eventPayload("payment_intent.succeeded", intent({ status: "succeeded", amount_received: 1999 }));

  it("refuses a signature made with another secret", () => {
    const error = signatureError(() => verify(payload, sign(payload, { secret: "whsec_someone_else" })));
    expect(error.reason).toBe("bad_signature");
  });

  it("refuses a tampered body", () => {
    const tampered = payload.replace('"amount_received": 1999', '"amount_received": 1');
    expect(tampered).not.toBe(payload);
    expect(signatureError(() => verify(tampered, sign(payload))).reason).toBe("bad_signature");
  });

  it("refuses a timestamp older than 300 seconds", () => {
    const header = sign(payload, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(signatureError(() => verify(payload, header)).reason).toBe("stale_timestamp");
  });

  it("refuses a missing or empty signature header", () => {
    expect(signatureError(() => verify(payload, undefined)).reason).toBe("missing_header");
    expect(signatureError(() => verify(payload, "")).reason).toBe("missing_header");
  });

  it("refuses a header without a v1 signature", () => {
    expect(signatureError(() => verify(payload, `t=${created}`)).reason).toBe("bad_signature");
  });

  it("refuses a body parsed and serialized again", () => {
    const reserialized = JSON.stringify(JSON.parse(payload));
    expect(reserialized).not.toBe(payload);
    expect(signatureError(() => verify(reserialized, sign(payload))).reason).toBe("bad_signature");
  });

  it("says so when no webhook secret is configured", () => {
    expect(() => verifyStripeWebhook(payload, sign(payload), "")).toThrow(/STRIPE_WEBHOOK_SECRET/);
  });
});
