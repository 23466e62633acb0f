import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { intentIdempotencyKey, refundIdempotencyKey } from "../src/providers/idempotency-keys.js";
import { ProviderError } from "../src/providers/provider-error.js";
import {
  assertTestProviderAllowed,
  TestProvider,
  TestProviderRefusedError,
  testSettlementEvent,
} from "../src/providers/test-provider.js";
import { verifyStripeWebhook } from "../src/providers/webhook.js";

const orderId = "00000000-0000-4000-8000-000000000001";
const input = { orderId, amount: 4200, currency: "usd", idempotencyKey: intentIdempotencyKey(orderId, 4200) };

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe("TestProvider", () => {
  it("creates a payment waiting for the customer, with a test ref and client secret", async () => {
    const intent = await new TestProvider().createIntent(input);

    expect(intent.providerRef).toMatch(/^test_pi_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(intent.clientSecret).toMatch(new RegExp(`^${intent.providerRef}_secret_[0-9a-f]{24}$`));
    expect(intent).toMatchObject({ status: "REQUIRES_PAYMENT", amount: 4200, currency: "USD", failureReason: null });
  });

  it("answers a repeated key with the first payment, and refuses the key for another request", async () => {
    const provider = new TestProvider();
    const first = await provider.createIntent(input);

    expect(await provider.createIntent(input)).toEqual(first);
    expect(await providerError(provider.createIntent({ ...input, amount: 4300 }))).toMatchObject({
      code: "PAYMENT_FAILED",
    });
  });

  it("retrieves and cancels the payments it created", async () => {
    const provider = new TestProvider();
    const { providerRef } = await provider.createIntent(input);

    expect(await provider.retrieve(providerRef)).toMatchObject({ providerRef, status: "REQUIRES_PAYMENT" });
    expect(await provider.cancel(providerRef, "cancel-1")).toMatchObject({ providerRef, status: "CANCELLED" });
    expect(await provider.retrieve(providerRef)).toMatchObject({ status: "CANCELLED" });
    expect(await providerError(provider.retrieve("test_pi_unknown"))).toMatchObject({ code: "NOT_FOUND" });
  });

  it("refunds at once, once per key", async () => {
    const provider = new TestProvider();
    const { providerRef } = await provider.createIntent(input);
    const refund = { providerRef, amount: 1000, idempotencyKey: refundIdempotencyKey("r1") };

    const first = await provider.refund(refund);
    expect(first).toEqual({ refundRef: expect.stringMatching(/^test_re_/), status: "SUCCEEDED", amount: 1000 });
    expect(await provider.refund(refund)).toEqual(first);
    expect(await provider.refund({ ...refund, idempotencyKey: "r2" })).not.toEqual(first);
  });

  it("refuses refunds of a non-TEST payment or of nothing", async () => {
    const provider = new TestProvider();
    const { providerRef } = await provider.createIntent(input);

    expect(
      await providerError(provider.refund({ providerRef: "pi_123", amount: 1, idempotencyKey: "a" })),
    ).toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await providerError(provider.refund({ providerRef, amount: 0, idempotencyKey: "b" }))).toMatchObject({
      code: "PAYMENT_FAILED",
    });
  });
});

describe("testSettlementEvent", () => {
  it("builds a succeeded event", () => {
    expect(testSettlementEvent("test_pi_1", "SUCCEED", 4200)).toEqual({
      ignored: false,
      id: expect.stringMatching(/^test_evt_/),
      type: "payment_intent.succeeded",
      provider: "TEST",
      providerRef: "test_pi_1",
      amount: 4200,
      createdAt: expect.any(Date),
    });
  });

  it("builds a declined event with Stripe's decline wording", () => {
    expect(testSettlementEvent("test_pi_1", "DECLINE", 4200)).toEqual({
      ignored: false,
      id: expect.stringMatching(/^test_evt_/),
      type: "payment_intent.payment_failed",
      provider: "TEST",
      providerRef: "test_pi_1",
      amount: 4200,
      failureReason: "Your card was declined.",
      createdAt: expect.any(Date),
    });
  });

  it("gives each settlement its own event id", () => {
    expect(testSettlementEvent("test_pi_1", "SUCCEED", 1).id).not.toBe(
      testSettlementEvent("test_pi_1", "SUCCEED", 1).id,
    );
  });

  it("has the very shape a verified Stripe webhook has", () => {
    const secret = "whsec_shape";
    const webhook = (type: string, object: Record<string, unknown>) => {
      const payload = JSON.stringify({ id: "evt_1", object: "event", created: 1, type, data: { object } });
      const header = Stripe.webhooks.generateTestHeaderString({ payload, secret });
      return verifyStripeWebhook(payload, header, secret);
    };
    const keys = (event: object) => Object.keys(event).sort();
    const pi = {
      id: "pi_1",
      amount: 1,
      amount_received: 1,
      last_payment_error: { message: "Your card was declined." },
    };

    expect(keys(testSettlementEvent("test_pi_1", "SUCCEED", 1))).toEqual(keys(webhook("payment_intent.succeeded", pi)));
    expect(keys(testSettlementEvent("test_pi_1", "DECLINE", 1))).toEqual(
      keys(webhook("payment_intent.payment_failed", pi)),
    );
  });
});

describe("assertTestProviderAllowed", () => {
  it("refuses production unless opted in, with a clear error", () => {
    expect(() => assertTestProviderAllowed("production", false)).toThrow(TestProviderRefusedError);
    expect(() => assertTestProviderAllowed("production", false)).toThrow(/PAYMENTS_ALLOW_TEST_PROVIDER=true/);
    expect(() => assertTestProviderAllowed("production", false)).toThrow(/STRIPE_SECRET_KEY/);
  });

  it("allows production when opted in, and every other environment", () => {
    expect(() => assertTestProviderAllowed("production", true)).not.toThrow();
    for (const env of ["development", "test", undefined]) {
      expect(() => assertTestProviderAllowed(env, false)).not.toThrow();
    }
  });
});
