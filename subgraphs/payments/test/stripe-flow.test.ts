import { randomUUID } from "node:crypto";
import { InternalCallError } from "@retailer/kit";
import { type Session, type Stack, startStack } from "@retailer/testing";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeStripe, startFakeStripe } from "./fake-stripe.js";
import {
  deliver as deliverTo,
  failedEvent,
  intent,
  now,
  refundedEvent,
  sign,
  stripeEnv,
  stripeEvent,
  succeededEvent,
  WEBHOOK_SECRET,
} from "./stripe-webhooks.js";
import { eventually, type PaymentView, paymentsHarness, SUBGRAPHS } from "./support.js";

let fake: FakeStripe;
let stack: Stack;
let h: ReturnType<typeof paymentsHarness>;
let customer: Session;
let admin: Session;

beforeAll(async () => {
  fake = await startFakeStripe();
  stack = await startStack(SUBGRAPHS, stripeEnv(fake));
  h = paymentsHarness(stack);
  [customer, admin] = await Promise.all([stack.signUp("Ada"), stack.admin()]);
});
afterEach(() => {
  fake.mode = "normal";
});
afterAll(async () => {
  await stack?.stop();
  await fake?.close();
});

/** Delivers to this file's stack. */
const deliver = (payload: string, header?: string | null) => deliverTo(stack, payload, header);

// ---------------------------------------------------------------- helpers

const providerEvents = () => h.count(sql`select count(*)::int as n from payments.provider_event`);

async function newPayment(orderId = randomUUID()): Promise<{ payment: PaymentView; ref: string }> {
  const payment = await h.createPayment({ orderId, customerId: customer.userId, amount: 2500 });
  return { payment, ref: (await h.paymentRow(payment.id)).provider_ref };
}

/** A payment the customer paid with Stripe.js, and Stripe told us so. */
async function paidPayment(): Promise<{ payment: PaymentView; ref: string }> {
  const created = await newPayment();
  fake.setIntentStatus(created.ref, "succeeded");
  expect((await deliver(succeededEvent(created.ref))).body.outcome).toBe("applied");
  return created;
}

async function internalError(promise: Promise<unknown>): Promise<InternalCallError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InternalCallError);
  return error as InternalCallError;
}

// ---------------------------------------------------------------- tests

describe("createPaymentForOrder with Stripe", () => {
  it("creates one PaymentIntent for 20 concurrent calls, keyed by order and amount", async () => {
    const orderId = randomUUID();
    const intentsBefore = fake.intents.size;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => h.createPayment({ orderId, customerId: customer.userId, email: "ada@x.test" })),
    );
    expect(new Set(answers.map((p) => p.id)).size).toBe(1);
    expect(answers[0]).toMatchObject({ provider: "STRIPE", status: "REQUIRES_PAYMENT", clientSecret: null });
    expect(fake.intents.size).toBe(intentsBefore + 1);
    expect(await h.count(sql`select count(*)::int as n from payments.payment where order_id = ${orderId}`)).toBe(1);

    const creates = fake.requests.filter(
      (r) => r.path === "/v1/payment_intents" && r.params["metadata[order_id]"] === orderId,
    );
    expect(creates.length).toBeGreaterThanOrEqual(1);
    expect(new Set(creates.map((r) => r.idempotencyKey))).toEqual(new Set([`pi-${orderId}-2500`]));
    expect(creates[0]?.params).toMatchObject({ amount: "2500", currency: "usd", receipt_email: "ada@x.test" });
    const row = await h.paymentRow(answers[0]?.id as string);
    expect(row.client_secret).toBe(fake.intents.get(row.provider_ref)?.client_secret);

    // A later call returns the stored payment without asking Stripe again.
    const requests = fake.requests.length;
    expect((await h.createPayment({ orderId, customerId: customer.userId })).id).toBe(answers[0]?.id);
    expect(fake.requests.length).toBe(requests);
  });

  it.each([
    ["decline", "PAYMENT_FAILED"],
    ["server_error", "PAYMENT_UNAVAILABLE"],
    ["hang", "PAYMENT_UNAVAILABLE"],
  ] as const)("maps Stripe answering %s to %s and stores nothing", async (mode, code) => {
    fake.mode = mode;
    const orderId = randomUUID();
    const error = await internalError(h.createPayment({ orderId }));
    expect(error.code).toBe(code);
    expect(error.message).not.toMatch(/sk_test|stack|at /);
    expect(await h.count(sql`select count(*)::int as n from payments.payment where order_id = ${orderId}`)).toBe(0);
    // Stripe back: the retry with the same key creates the payment.
    fake.mode = "normal";
    expect((await h.createPayment({ orderId })).status).toBe("REQUIRES_PAYMENT");
  });
});

describe("Stripe webhooks", () => {
  it("settles a payment on payment_intent.succeeded and publishes payment.succeeded", async () => {
    const { payment, ref } = await newPayment();
    const result = await deliver(succeededEvent(ref));
    expect(result).toEqual({ status: 200, body: { received: true, outcome: "applied" } });
    expect((await h.paymentRow(payment.id)).status).toBe("SUCCEEDED");
    expect(await h.events("orders", "payment.succeeded", payment.id)).toEqual([
      { paymentId: payment.id, orderId: payment.order.id, amount: 2500, currency: "USD", provider: "STRIPE" },
    ]);
  });

  it("handles 20 concurrent deliveries of one event once", async () => {
    const { payment, ref } = await newPayment();
    const payload = succeededEvent(ref);
    const header = sign(payload);
    const results = await Promise.all(Array.from({ length: 20 }, () => deliver(payload, header)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const outcomes = results.map((r) => r.body.outcome);
    expect(outcomes.filter((o) => o === "applied")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(19);
    expect(await h.events("orders", "payment.succeeded", payment.id)).toHaveLength(1);
    expect(
      await h.count(sql`select count(*)::int as n from payments.provider_event where payment_id = ${payment.id}`),
    ).toBe(1);
  });

  it("never lets a late payment_failed regress a succeeded payment", async () => {
    const { payment, ref } = await newPayment();
    const failedFirst = failedEvent(ref, { created: now() - 30 });
    await deliver(succeededEvent(ref));
    const late = await deliver(failedFirst);
    expect(late).toMatchObject({ status: 200, body: { outcome: "ignored" } });
    expect((await h.paymentRow(payment.id)).status).toBe("SUCCEEDED");
    expect(await h.events("orders", "payment.failed", payment.id)).toEqual([]);
  });

  it("fails a payment with Stripe's reason, and records a later success of another card", async () => {
    const { payment, ref } = await newPayment();
    expect((await deliver(failedEvent(ref))).body.outcome).toBe("applied");
    const row = await h.paymentRow(payment.id);
    expect(row.status).toBe("FAILED");
    expect(await h.events("notifications", "payment.failed", payment.id)).toEqual([
      expect.objectContaining({ reason: "Your card has insufficient funds.", customerId: customer.userId }),
    ]);
    // A second failed attempt is not news; a success after it is.
    expect((await deliver(failedEvent(ref))).body.outcome).toBe("ignored");
    expect((await deliver(succeededEvent(ref))).body.outcome).toBe("applied");
    expect((await h.paymentRow(payment.id)).status).toBe("SUCCEEDED");
    expect(await h.events("orders", "payment.failed", payment.id)).toHaveLength(1);
  });

  it("cancels on payment_intent.canceled without an event, and not once paid", async () => {
    const { payment, ref } = await newPayment();
    const cancelled = stripeEvent("payment_intent.canceled", intent(ref, { status: "canceled" }));
    expect((await deliver(cancelled)).body.outcome).toBe("applied");
    expect((await h.paymentRow(payment.id)).status).toBe("CANCELLED");
    expect((await deliver(succeededEvent(ref))).body.outcome).toBe("ignored");

    const paid = await paidPayment();
    const late = stripeEvent("payment_intent.canceled", intent(paid.ref, { status: "canceled" }));
    expect((await deliver(late)).body.outcome).toBe("ignored");
    expect((await h.paymentRow(paid.payment.id)).status).toBe("SUCCEEDED");
  });

  it("counts refunds made at Stripe from charge.refunded, once, whatever the order of delivery", async () => {
    const { payment, ref } = await paidPayment();
    const second = refundedEvent(ref, 2500);
    expect((await deliver(refundedEvent(ref, 700))).body.outcome).toBe("applied");
    expect(await h.paymentRow(payment.id)).toMatchObject({ status: "PARTIALLY_REFUNDED", amount_refunded: 700 });
    expect(await h.refundRows(payment.id)).toMatchObject([{ amount: 700, status: "SUCCEEDED", origin: "PROVIDER" }]);
    expect((await deliver(refundedEvent(ref, 700))).body.outcome).toBe("ignored");
    expect((await deliver(second)).body.outcome).toBe("applied");
    expect((await deliver(refundedEvent(ref, 1200))).body.outcome).toBe("ignored");
    expect(await h.paymentRow(payment.id)).toMatchObject({ status: "REFUNDED", amount_refunded: 2500 });
    const events = await h.events<{ amount: number; amountRefunded: number; full: boolean }>(
      "orders",
      "payment.refunded",
      payment.id,
    );
    expect(events.map((e) => [e.amount, e.amountRefunded, e.full])).toEqual([
      [700, 700, false],
      [1800, 2500, true],
    ]);
  });

  it.each([
    ["a wrong secret", (p: string) => ({ payload: p, header: sign(p, { secret: "whsec_wrong" }) })],
    ["a tampered body", (p: string) => ({ payload: p.replace('"amount": 2500', '"amount": 1'), header: sign(p) })],
    ["a stale timestamp", (p: string) => ({ payload: p, header: sign(p, { timestamp: now() - 400 }) })],
    ["no signature header", (p: string) => ({ payload: p, header: null })],
    ["a garbage header", (p: string) => ({ payload: p, header: "t=1,v1=nope" })],
  ])("answers 400 to %s and stores nothing", async (_name, make) => {
    const { payment, ref } = await newPayment();
    const before = await providerEvents();
    const { payload, header } = make(succeededEvent(ref));
    const result = await deliver(payload, header);
    expect(result.status).toBe(400);
    expect(JSON.stringify(result.body)).not.toContain(WEBHOOK_SECRET);
    expect(await providerEvents()).toBe(before);
    expect((await h.paymentRow(payment.id)).status).toBe("REQUIRES_PAYMENT");
  });

  it("acknowledges and ignores an event type it does not act on", async () => {
    const before = await providerEvents();
    const result = await deliver(stripeEvent("customer.created", { id: "cus_1", object: "customer" }));
    expect(result).toMatchObject({ status: 200, body: { outcome: "ignored" } });
    expect(await providerEvents()).toBe(before);
  });

  it("acknowledges an unknown PaymentIntent without storing anything", async () => {
    const before = await providerEvents();
    const result = await deliver(succeededEvent("pi_not_ours"));
    expect(result).toEqual({ status: 200, body: { received: true, outcome: "unknown_payment" } });
    expect(await providerEvents()).toBe(before);
  });
});

describe("confirmTestPayment with Stripe", () => {
  it("refuses a STRIPE payment with ILLEGAL_STATE", async () => {
    const { payment } = await newPayment();
    const result = await h.confirm(payment.id, "SUCCEED", customer.headers);
    expect(result.data?.confirmTestPayment).toMatchObject({ payment: null, userErrors: [{ code: "ILLEGAL_STATE" }] });
    expect((await h.paymentRow(payment.id)).status).toBe("REQUIRES_PAYMENT");
  });
});

describe("refundPayment with Stripe", () => {
  it("refunds in part and in full with Stripe, keyed by our refund id; the echo webhook changes nothing", async () => {
    const { payment, ref } = await paidPayment();
    const partial = await h.refund(payment.id, { amount: 1000, reason: "damaged" }, admin.headers);
    expect(partial.data?.refundPayment.userErrors).toEqual([]);
    const refundId = partial.data?.refundPayment.payment?.refunds[0]?.id as string;
    expect(partial.data?.refundPayment.payment).toMatchObject({
      status: "PARTIALLY_REFUNDED",
      amountRefunded: { amount: 1000 },
      refunds: [{ amount: { amount: 1000 }, status: "SUCCEEDED", reason: "damaged" }],
    });
    const request = fake.requests.filter((r) => r.path === "/v1/refunds").at(-1);
    expect(request).toMatchObject({
      idempotencyKey: `re-${refundId}`,
      params: { payment_intent: ref, amount: "1000", "metadata[reason]": "damaged" },
    });
    expect((await deliver(refundedEvent(ref, 1000))).body.outcome).toBe("ignored");

    const rest = await h.refund(payment.id, { reason: "requested_by_customer" }, admin.headers);
    expect(rest.data?.refundPayment.payment).toMatchObject({ status: "REFUNDED", amountRefunded: { amount: 2500 } });
    expect(fake.requests.filter((r) => r.path === "/v1/refunds").at(-1)?.params).toMatchObject({
      amount: "1500",
      reason: "requested_by_customer",
    });
    expect(await h.events("orders", "payment.refunded", payment.id)).toHaveLength(2);
  });

  it.each([
    ["decline", "PAYMENT_FAILED"],
    ["missing", "PAYMENT_FAILED"],
  ] as const)("maps Stripe's %s to %s and writes nothing", async (mode, code) => {
    const { payment, ref } = await paidPayment();
    if (mode === "missing") fake.intents.delete(ref);
    else fake.mode = mode;
    const result = await h.refund(payment.id, { amount: 500 }, admin.headers);
    expect(result.errors).toBeUndefined();
    expect(result.data?.refundPayment).toMatchObject({ payment: null, userErrors: [{ code, field: ["paymentId"] }] });
    expect(await h.refundRows(payment.id)).toEqual([]);
    expect(await h.paymentRow(payment.id)).toMatchObject({ status: "SUCCEEDED", amount_refunded: 0 });
  });

  it.each(["server_error", "hang"] as const)(
    "answers PAYMENT_UNAVAILABLE when Stripe answers %s, holds the refund back, and resends it with the same key later",
    async (mode) => {
      const { payment } = await paidPayment();
      fake.mode = mode;
      const result = await h.refund(payment.id, { amount: 1000 }, admin.headers);
      expect(result.errors).toBeUndefined();
      expect(result.data?.refundPayment).toMatchObject({
        payment: null,
        userErrors: [{ code: "PAYMENT_UNAVAILABLE" }],
      });
      const [held] = await h.refundRows(payment.id);
      expect(held).toMatchObject({ amount: 1000, status: "REQUESTED", origin: "ADMIN" });
      expect(await h.paymentRow(payment.id)).toMatchObject({ status: "SUCCEEDED", amount_refunded: 0 });
      // The held-back 1000 cannot be refunded twice meanwhile.
      fake.mode = "normal";
      const tooMuch = await h.refund(payment.id, { amount: 2500 }, admin.headers);
      expect(tooMuch.data?.refundPayment.userErrors[0]).toMatchObject({ code: "INVALID_INPUT", field: ["amount"] });
      // That call resent the held refund first (same key): it is counted now, once.
      const keys = fake.requests.filter((r) => r.idempotencyKey === `re-${held?.id}`);
      expect(keys.length).toBeGreaterThanOrEqual(2);
      expect(await h.refundRows(payment.id)).toMatchObject([{ id: held?.id, status: "SUCCEEDED" }]);
      const rest = await h.refund(payment.id, {}, admin.headers);
      expect(rest.data?.refundPayment.payment).toMatchObject({ status: "REFUNDED", amountRefunded: { amount: 2500 } });
    },
  );
});

describe("cancelPaymentForOrder with Stripe", () => {
  it("cancels the PaymentIntent at Stripe once, idempotently", async () => {
    const { payment, ref } = await newPayment();
    expect((await h.cancelPayment(payment.order.id))?.status).toBe("CANCELLED");
    expect(fake.intents.get(ref)?.status).toBe("canceled");
    expect(fake.requests.filter((r) => r.path === `/v1/payment_intents/${ref}/cancel`)).toMatchObject([
      { idempotencyKey: `pi-cancel-${ref}` },
    ]);
    expect((await h.cancelPayment(payment.order.id))?.status).toBe("CANCELLED");
    expect(
      (await deliver(stripeEvent("payment_intent.canceled", intent(ref, { status: "canceled" })))).body.outcome,
    ).toBe("ignored");
  });

  it("settles a payment Stripe took before the cancel as SUCCEEDED, once; its late webhook changes nothing", async () => {
    const { payment, ref } = await newPayment();
    fake.setIntentStatus(ref, "succeeded"); // paid with Stripe.js, webhook not delivered yet
    expect((await h.cancelPayment(payment.order.id))?.status).toBe("SUCCEEDED");
    expect((await h.cancelPayment(payment.order.id))?.status).toBe("SUCCEEDED");
    expect((await deliver(succeededEvent(ref))).body.outcome).toBe("ignored");
    expect(await h.events("orders", "payment.succeeded", payment.id)).toHaveLength(1);
  });

  it("maps Stripe being down to PAYMENT_UNAVAILABLE", async () => {
    const { payment } = await newPayment();
    fake.mode = "server_error";
    expect((await internalError(h.cancelPayment(payment.order.id))).code).toBe("PAYMENT_UNAVAILABLE");
    expect((await h.paymentRow(payment.id)).status).toBe("REQUIRES_PAYMENT");
  });
});

describe("order cancelled after payment, with Stripe", () => {
  it("refunds in full at Stripe", async () => {
    const { payment, ref } = await paidPayment();
    await h.publishOrderStatus(payment.order.id, "CANCELLED");
    await eventually(async () => expect((await h.paymentRow(payment.id)).status).toBe("REFUNDED"));
    expect(await h.refundRows(payment.id)).toMatchObject([
      { amount: 2500, origin: "ORDER_CANCELLED", status: "SUCCEEDED" },
    ]);
    expect(fake.intents.get(ref)?.amount_refunded).toBe(2500);
  });

  it("refunds a payment Stripe took while the order was being cancelled, before its webhook arrives", async () => {
    const { payment, ref } = await newPayment();
    fake.setIntentStatus(ref, "succeeded"); // paid at Stripe, webhook not delivered yet
    await h.publishOrderStatus(payment.order.id, "CANCELLED", "PENDING_PAYMENT");
    await eventually(async () => expect((await h.paymentRow(payment.id)).status).toBe("REFUNDED"));
    expect(fake.intents.get(ref)?.amount_refunded).toBe(2500);
    expect(await h.events("orders", "payment.succeeded", payment.id)).toHaveLength(1);
    expect(await h.events("orders", "payment.refunded", payment.id)).toMatchObject([{ amount: 2500, full: true }]);
    expect((await deliver(succeededEvent(ref))).body.outcome).toBe("ignored");
  });
});
