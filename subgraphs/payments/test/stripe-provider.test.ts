import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { cancelIdempotencyKey, intentIdempotencyKey, refundIdempotencyKey } from "../src/providers/idempotency-keys.js";
import { ProviderError } from "../src/providers/provider-error.js";
import { StripeProvider, type StripeProviderConfig } from "../src/providers/stripe-provider.js";
import { toIntentStatus } from "../src/providers/stripe-status.js";
import { type FakeStripe, startFakeStripe } from "./fake-stripe.js";

let fake: FakeStripe;
let stripe: StripeProvider;
let config: StripeProviderConfig;

beforeAll(async () => {
  fake = await startFakeStripe();
  config = { secretKey: fake.secretKey, host: fake.host, port: fake.port, protocol: "http", timeoutMs: 2_000 };
  stripe = new StripeProvider(config);
});
afterEach(() => {
  fake.mode = "normal";
});
afterAll(() => fake.close());

let orders = 0;
const nextOrderId = (): string => `00000000-0000-4000-8000-${String(++orders).padStart(12, "0")}`;

const newIntent = (amount = 1999, orderId = nextOrderId()) =>
  stripe.createIntent({ orderId, amount, currency: "EUR", idempotencyKey: intentIdempotencyKey(orderId, amount) });

/** A paid PaymentIntent, as after the customer confirmed it with Stripe.js. */
async function paidIntent(amount = 1999): Promise<string> {
  const { providerRef } = await newIntent(amount);
  fake.setIntentStatus(providerRef, "succeeded");
  return providerRef;
}

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe("StripeProvider against a local Stripe", () => {
  it("creates a PaymentIntent with the parameters and idempotency key Stripe expects", async () => {
    const orderId = nextOrderId();
    const intent = await stripe.createIntent({
      orderId,
      amount: 1999,
      currency: "EUR",
      customerEmail: "ada@example.com",
      idempotencyKey: intentIdempotencyKey(orderId, 1999),
    });

    expect(intent).toEqual({
      providerRef: expect.stringMatching(/^pi_/),
      clientSecret: expect.stringMatching(new RegExp(`^${intent.providerRef}_secret_`)),
      status: "REQUIRES_PAYMENT",
      amount: 1999,
      currency: "EUR",
      failureReason: null,
    });
    const request = fake.requests.at(-1);
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/v1/payment_intents");
    expect(request?.idempotencyKey).toBe(`pi-${orderId}-1999`);
    expect(request?.params).toEqual({
      amount: "1999",
      currency: "eur",
      "automatic_payment_methods[enabled]": "true",
      "metadata[order_id]": orderId,
      receipt_email: "ada@example.com",
    });
  });

  it("answers a repeated create with the first PaymentIntent", async () => {
    const orderId = nextOrderId();
    const before = fake.intents.size;
    const first = await newIntent(2500, orderId);
    const second = await newIntent(2500, orderId);

    expect(second).toEqual(first);
    expect(fake.intents.size).toBe(before + 1);
  });

  it("maps a key reused with other parameters (idempotency_error) to PAYMENT_FAILED", async () => {
    const orderId = nextOrderId();
    const idempotencyKey = intentIdempotencyKey(orderId, 1000);
    await stripe.createIntent({ orderId, amount: 1000, currency: "EUR", idempotencyKey });

    const error = await providerError(stripe.createIntent({ orderId, amount: 1200, currency: "EUR", idempotencyKey }));
    expect(error).toMatchObject({ code: "PAYMENT_FAILED", retryable: false, httpStatus: 400 });
  });

  it("retrieves a PaymentIntent and maps its status", async () => {
    const { providerRef } = await newIntent();
    expect(await stripe.retrieve(providerRef)).toMatchObject({ providerRef, status: "REQUIRES_PAYMENT", amount: 1999 });

    fake.setIntentStatus(providerRef, "processing");
    expect((await stripe.retrieve(providerRef)).status).toBe("PROCESSING");
    fake.setIntentStatus(providerRef, "succeeded");
    expect((await stripe.retrieve(providerRef)).status).toBe("SUCCEEDED");
  });

  it("maps every Stripe PaymentIntent status", () => {
    expect(
      [
        "requires_payment_method",
        "requires_confirmation",
        "requires_action",
        "processing",
        "requires_capture",
        "canceled",
        "succeeded",
        "some_future_status",
      ].map(toIntentStatus),
    ).toEqual([
      "REQUIRES_PAYMENT",
      "REQUIRES_PAYMENT",
      "REQUIRES_PAYMENT",
      "PROCESSING",
      "PROCESSING",
      "CANCELLED",
      "SUCCEEDED",
      "PROCESSING",
    ]);
  });

  it("cancels a PaymentIntent, and a repeated cancel answers the same", async () => {
    const { providerRef } = await newIntent();
    const key = cancelIdempotencyKey(providerRef);

    expect(await stripe.cancel(providerRef, key)).toMatchObject({ providerRef, status: "CANCELLED" });
    expect(await stripe.cancel(providerRef, key)).toMatchObject({ providerRef, status: "CANCELLED" });
    expect(fake.requests.at(-1)).toMatchObject({
      path: `/v1/payment_intents/${providerRef}/cancel`,
      idempotencyKey: key,
    });
  });

  it("reports a PaymentIntent too late to cancel as it stands", async () => {
    const providerRef = await paidIntent();
    expect(await stripe.cancel(providerRef, cancelIdempotencyKey(providerRef))).toMatchObject({ status: "SUCCEEDED" });
  });

  it("refunds partially, then the rest, and refuses more than what is left", async () => {
    const providerRef = await paidIntent(3000);

    const partial = await stripe.refund({ providerRef, amount: 1000, idempotencyKey: refundIdempotencyKey("r1") });
    expect(partial).toEqual({ refundRef: expect.stringMatching(/^re_/), status: "SUCCEEDED", amount: 1000 });
    expect(fake.requests.at(-1)?.params).toEqual({ payment_intent: providerRef, amount: "1000" });

    const tooMuch = await providerError(
      stripe.refund({ providerRef, amount: 2001, idempotencyKey: refundIdempotencyKey("r2") }),
    );
    expect(tooMuch).toMatchObject({ code: "PAYMENT_FAILED", providerCode: "amount_too_large", retryable: false });

    const rest = await stripe.refund({ providerRef, amount: 2000, idempotencyKey: refundIdempotencyKey("r3") });
    expect(rest).toMatchObject({ status: "SUCCEEDED", amount: 2000 });
    expect(fake.intents.get(providerRef)?.amount_refunded).toBe(3000);

    const again = await providerError(
      stripe.refund({ providerRef, amount: 1, idempotencyKey: refundIdempotencyKey("r4") }),
    );
    expect(again).toMatchObject({ code: "PAYMENT_FAILED", providerCode: "charge_already_refunded" });
  });

  it("refunds in full once under a repeated key", async () => {
    const providerRef = await paidIntent(1500);
    const input = {
      providerRef,
      amount: 1500,
      reason: "requested_by_customer",
      idempotencyKey: refundIdempotencyKey("full"),
    };

    const first = await stripe.refund(input);
    const second = await stripe.refund(input);
    expect(second).toEqual(first);
    expect(fake.intents.get(providerRef)?.amount_refunded).toBe(1500);
    expect(fake.requests.at(-1)?.params).toMatchObject({ reason: "requested_by_customer" });
  });

  it("sends a reason Stripe does not know in the refund's metadata", async () => {
    const providerRef = await paidIntent();
    await stripe.refund({
      providerRef,
      amount: 100,
      reason: "Order cancelled after payment",
      idempotencyKey: "re-meta",
    });

    expect(fake.requests.at(-1)?.params).toEqual({
      payment_intent: providerRef,
      amount: "100",
      "metadata[reason]": "Order cancelled after payment",
    });
  });
});

describe("StripeProvider errors", () => {
  it("maps a 402 card decline to PAYMENT_FAILED with a safe message", async () => {
    fake.mode = "decline";
    const error = await providerError(newIntent());

    expect(error).toMatchObject({
      code: "PAYMENT_FAILED",
      retryable: false,
      message: "Your card was declined.",
      providerCode: "card_declined",
      declineCode: "generic_decline",
      httpStatus: 402,
    });
  });

  it("maps a 404 resource_missing to NOT_FOUND", async () => {
    const error = await providerError(stripe.retrieve("pi_does_not_exist"));
    expect(error).toMatchObject({ code: "NOT_FOUND", providerCode: "resource_missing", httpStatus: 404 });
  });

  it("retries a 500 with the same idempotency key, then maps it to PAYMENT_UNAVAILABLE", async () => {
    fake.mode = "server_error";
    const before = fake.requests.length;
    const error = await providerError(newIntent());

    expect(error).toMatchObject({ code: "PAYMENT_UNAVAILABLE", retryable: true, httpStatus: 500 });
    const attempts = fake.requests.slice(before);
    expect(attempts).toHaveLength(3); // the request and the SDK's 2 retries
    expect(new Set(attempts.map((a) => a.idempotencyKey)).size).toBe(1);
  });

  it("maps a Stripe that never answers to PAYMENT_UNAVAILABLE within the timeout", async () => {
    fake.mode = "hang";
    const impatient = new StripeProvider({ ...config, timeoutMs: 200, maxNetworkRetries: 0 });
    const started = Date.now();
    const error = await providerError(impatient.retrieve("pi_any"));

    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toMatchObject({ code: "PAYMENT_UNAVAILABLE", retryable: true });
    expect(error.message).toMatch(/did not answer in time/);
  });

  it("maps a refused connection to PAYMENT_UNAVAILABLE", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    const unreachable = new StripeProvider({ ...config, port, maxNetworkRetries: 0 });
    const error = await providerError(unreachable.retrieve("pi_any"));
    expect(error).toMatchObject({ code: "PAYMENT_UNAVAILABLE", retryable: true, httpStatus: null });
  });

  it("maps a wrong key to PAYMENT_UNAVAILABLE without revealing the key", async () => {
    const wrongKey = "sk_test_wrong_key_0123456789abcdef";
    const misconfigured = new StripeProvider({ ...config, secretKey: wrongKey });
    const error = await providerError(newIntentWith(misconfigured));

    expect(error).toMatchObject({ code: "PAYMENT_UNAVAILABLE", retryable: false, httpStatus: 401 });
    const everything = `${String(error)} ${error.stack} ${JSON.stringify({ ...error })}`;
    expect(everything).not.toContain(wrongKey);
    expect(everything).not.toContain("sk_test");
    expect(everything).not.toContain("Invalid API Key");
    expect(error.cause).toBeUndefined();
  });
});

function newIntentWith(provider: StripeProvider) {
  const orderId = nextOrderId();
  return provider.createIntent({
    orderId,
    amount: 1999,
    currency: "EUR",
    idempotencyKey: intentIdempotencyKey(orderId, 1999),
  });
}
