import { randomUUID } from "node:crypto";
import { InternalCallError } from "@retailer/kit";
import { type Session, type Stack, startStack } from "@retailer/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORDER_CANCELLED_HANDLER } from "../src/payments.js";
import { eventually, PAYMENT_FIELDS, type PaymentView, paymentsHarness, SUBGRAPHS } from "./support.js";

let stack: Stack;
let h: ReturnType<typeof paymentsHarness>;
let customer: Session;
let other: Session;
let admin: Session;

beforeAll(async () => {
  // No STRIPE_SECRET_KEY: the TEST provider.
  stack = await startStack(SUBGRAPHS);
  h = paymentsHarness(stack);
  [customer, other, admin] = await Promise.all([stack.signUp("Ada"), stack.signUp("Bob"), stack.admin()]);
});
afterAll(() => stack?.stop());

async function internalError(promise: Promise<unknown>): Promise<InternalCallError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InternalCallError);
  return error as InternalCallError;
}

/** A paid TEST payment of `amount` for a customer's order. */
async function paidPayment(amount = 2500, session: Session = customer): Promise<PaymentView> {
  const payment = await h.createPayment({ customerId: session.userId, amount });
  const confirmed = await h.confirm(payment.id, "SUCCEED", session.headers);
  expect(confirmed.data?.confirmTestPayment.userErrors).toEqual([]);
  return confirmed.data?.confirmTestPayment.payment as PaymentView;
}

describe("createPaymentForOrder (internal, TEST provider)", () => {
  it("creates a TEST payment waiting for payment, without showing its secret", async () => {
    const orderId = randomUUID();
    const payment = await h.createPayment({ orderId, customerId: customer.userId, email: "Ada@Example.com" });
    expect(payment).toMatchObject({
      provider: "TEST",
      status: "REQUIRES_PAYMENT",
      clientSecret: null,
      amount: { amount: 2500, currencyCode: "USD" },
      amountRefunded: { amount: 0, currencyCode: "USD" },
      order: { id: orderId },
      refunds: [],
    });
    const row = await h.paymentRow(payment.id);
    expect(row.provider_ref).toMatch(/^test_pi_/);
    expect(row.client_secret).toMatch(/^test_pi_.+_secret_/);
    expect(row.email).toBe("Ada@Example.com");
  });

  it("returns the first payment to a repeated call", async () => {
    const orderId = randomUUID();
    const first = await h.createPayment({ orderId, customerId: customer.userId });
    const second = await h.createPayment({ orderId, customerId: customer.userId });
    expect(second.id).toBe(first.id);
  });

  it("creates one payment for 20 concurrent calls of one order", async () => {
    const orderId = randomUUID();
    const answers = await Promise.all(Array.from({ length: 20 }, () => h.createPayment({ orderId })));
    expect(new Set(answers.map((p) => p.id)).size).toBe(1);
    expect(await h.count(sql`select count(*)::int as n from payments.payment where order_id = ${orderId}`)).toBe(1);
  });

  it("refuses another amount for an order that has a payment", async () => {
    const orderId = randomUUID();
    await h.createPayment({ orderId, amount: 2500 });
    const error = await internalError(h.createPayment({ orderId, amount: 2600 }));
    expect(error.code).toBe("CONFLICT");
  });

  it("refuses malformed input with INVALID_INPUT and stores nothing", async () => {
    for (const input of [
      { orderId: "not-a-uuid" },
      { amount: 0 },
      { amount: 12.5 },
      { currency: "dollars" },
      { email: "x" },
    ]) {
      const orderId = randomUUID();
      const error = await internalError(h.createPayment({ orderId, ...input }));
      expect(error.code, JSON.stringify(input)).toBe(input.amount === 12.5 ? "BAD_USER_INPUT" : "INVALID_INPUT");
    }
    expect(await h.count(sql`select count(*)::int as n from payments.payment where amount <> 2500`)).toBe(0);
  });

  it("is not part of the client API and refuses anyone but a service", async () => {
    const viaRouter = await stack.query(
      `mutation { createPaymentForOrder(input: { orderId: "${randomUUID()}", email: "a@b.co", amount: 100, currency: "USD" }) { id } }`,
      {},
      admin.headers,
    );
    expect(viaRouter.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const create = `mutation($input: CreatePaymentForOrderInput!) { createPaymentForOrder(input: $input) { id } }`;
    const input = { orderId: randomUUID(), email: "a@b.co", amount: 100, currency: "USD" };
    expect((await h.viaSubgraph(create, { input }, admin.accessToken)).body.errors?.[0]?.extensions?.code).toBe(
      "FORBIDDEN",
    );
    expect((await h.viaSubgraph(create, { input })).body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("confirmTestPayment", () => {
  it("settles a payment as succeeded through the webhook path and publishes payment.succeeded once", async () => {
    const orderId = randomUUID();
    const payment = await h.createPayment({ orderId, customerId: customer.userId });
    const result = await h.confirm(payment.id, null, customer.headers);
    expect(result.data?.confirmTestPayment).toMatchObject({ userErrors: [], payment: { status: "SUCCEEDED" } });
    expect(await h.events("orders", "payment.succeeded", payment.id)).toEqual([
      { paymentId: payment.id, orderId, amount: 2500, currency: "USD", provider: "TEST" },
    ]);
    expect(
      await h.count(sql`select count(*)::int as n from payments.provider_event where payment_id = ${payment.id}`),
    ).toBe(1);

    const again = await h.confirm(payment.id, "DECLINE", customer.headers);
    expect(again.data?.confirmTestPayment).toMatchObject({ payment: null, userErrors: [{ code: "ILLEGAL_STATE" }] });
    expect((await h.paymentRow(payment.id)).status).toBe("SUCCEEDED");
    expect(await h.events("orders", "payment.failed", payment.id)).toEqual([]);
  });

  it("declines with a reason and publishes payment.failed with the customer and email", async () => {
    const orderId = randomUUID();
    const payment = await h.createPayment({ orderId, customerId: customer.userId, email: "ada@retailer.test" });
    const result = await h.confirm(payment.id, "DECLINE", customer.headers);
    expect(result.data?.confirmTestPayment.payment).toMatchObject({
      status: "FAILED",
      failureReason: "Your card was declined.",
    });
    const expected = {
      paymentId: payment.id,
      orderId,
      amount: 2500,
      currency: "USD",
      reason: "Your card was declined.",
      customerId: customer.userId,
      email: "ada@retailer.test",
    };
    expect(await h.events("orders", "payment.failed", payment.id)).toEqual([expected]);
    expect(await h.events("notifications", "payment.failed", payment.id)).toEqual([expected]);
  });

  it("settles once under concurrent confirmations: the others get ILLEGAL_STATE", async () => {
    const payment = await h.createPayment({ customerId: customer.userId });
    const results = await Promise.all(
      Array.from({ length: 10 }, () => h.confirm(payment.id, "SUCCEED", customer.headers)),
    );
    const codes = results.map((r) => r.data?.confirmTestPayment.userErrors[0]?.code ?? "OK");
    expect(codes.filter((c) => c === "OK")).toHaveLength(1);
    expect(codes.filter((c) => c === "ILLEGAL_STATE")).toHaveLength(9);
    expect(await h.events("orders", "payment.succeeded", payment.id)).toHaveLength(1);
  });

  it("lets an admin confirm, and anyone holding the id of a guest payment", async () => {
    const mine = await h.createPayment({ customerId: customer.userId });
    expect((await h.confirm(mine.id, "SUCCEED", admin.headers)).data?.confirmTestPayment.userErrors).toEqual([]);
    const guest = await h.createPayment({ customerId: null });
    expect((await h.confirm(guest.id, "SUCCEED")).data?.confirmTestPayment.payment?.status).toBe("SUCCEEDED");
  });

  it("answers NOT_FOUND for someone else's payment, anonymously, and for unknown ids", async () => {
    const payment = await h.createPayment({ customerId: customer.userId });
    for (const [id, headers] of [
      [payment.id, other.headers],
      [payment.id, undefined],
      [randomUUID(), customer.headers],
      ["nope", customer.headers],
    ] as const) {
      const result = await h.confirm(id, "SUCCEED", headers);
      expect(result.data?.confirmTestPayment).toEqual({
        payment: null,
        userErrors: [{ code: "NOT_FOUND", field: ["paymentId"], message: "No such payment." }],
      });
    }
    expect((await h.paymentRow(payment.id)).status).toBe("REQUIRES_PAYMENT");
  });

  it("refuses a cancelled payment", async () => {
    const orderId = randomUUID();
    const payment = await h.createPayment({ orderId, customerId: customer.userId });
    expect((await h.cancelPayment(orderId))?.status).toBe("CANCELLED");
    const result = await h.confirm(payment.id, "SUCCEED", customer.headers);
    expect(result.data?.confirmTestPayment.userErrors[0]?.code).toBe("ILLEGAL_STATE");
  });
});

describe("cancelPaymentForOrder (internal)", () => {
  it("cancels an unpaid payment, idempotently; null for an order without one", async () => {
    const orderId = randomUUID();
    await h.createPayment({ orderId });
    expect((await h.cancelPayment(orderId))?.status).toBe("CANCELLED");
    expect((await h.cancelPayment(orderId))?.status).toBe("CANCELLED");
    expect(await h.cancelPayment(randomUUID())).toBeNull();
  });

  it("returns a paid payment as it is", async () => {
    const payment = await paidPayment();
    expect((await h.cancelPayment(payment.order.id))?.status).toBe("SUCCEEDED");
  });
});

describe("refundPayment", () => {
  it("is for admins only: FORBIDDEN for a customer, UNAUTHENTICATED anonymously", async () => {
    const payment = await paidPayment();
    const asCustomer = await h.refund(payment.id, {}, customer.headers);
    expect(asCustomer.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const anonymous = await h.refund(payment.id, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await h.refundRows(payment.id)).toEqual([]);
  });

  it("refunds in part, then the rest, with amountRefunded, statuses and payment.refunded events", async () => {
    const payment = await paidPayment(2500);
    const partial = await h.refund(payment.id, { amount: 1000, reason: "damaged" }, admin.headers);
    expect(partial.data?.refundPayment.userErrors).toEqual([]);
    expect(partial.data?.refundPayment.payment).toMatchObject({
      status: "PARTIALLY_REFUNDED",
      amountRefunded: { amount: 1000, currencyCode: "USD" },
      refunds: [{ amount: { amount: 1000 }, reason: "damaged", status: "SUCCEEDED" }],
    });

    const tooMuch = await h.refund(payment.id, { amount: 1501 }, admin.headers);
    expect(tooMuch.data?.refundPayment).toMatchObject({
      payment: null,
      userErrors: [{ code: "INVALID_INPUT", field: ["amount"] }],
    });
    expect(await h.refundRows(payment.id)).toHaveLength(1);

    const rest = await h.refund(payment.id, {}, admin.headers);
    expect(rest.data?.refundPayment.payment).toMatchObject({
      status: "REFUNDED",
      amountRefunded: { amount: 2500 },
      refunds: [{ amount: { amount: 1000 } }, { amount: { amount: 1500 }, reason: null, status: "SUCCEEDED" }],
    });
    const refunds = rest.data?.refundPayment.payment?.refunds ?? [];
    const events = await h.events("orders", "payment.refunded", payment.id);
    expect(events).toEqual([
      {
        paymentId: payment.id,
        orderId: payment.order.id,
        refundId: refunds[0]?.id,
        amount: 1000,
        amountRefunded: 1000,
        currency: "USD",
        full: false,
      },
      {
        paymentId: payment.id,
        orderId: payment.order.id,
        refundId: refunds[1]?.id,
        amount: 1500,
        amountRefunded: 2500,
        currency: "USD",
        full: true,
      },
    ]);
    expect(await h.events("notifications", "payment.refunded", payment.id)).toHaveLength(2);

    const more = await h.refund(payment.id, { amount: 1 }, admin.headers);
    expect(more.data?.refundPayment.userErrors[0]?.code).toBe("ILLEGAL_STATE");
  });

  it("refuses refunds of failed, unpaid and unknown payments, writing nothing", async () => {
    const failed = await h.createPayment({ customerId: customer.userId });
    await h.confirm(failed.id, "DECLINE", customer.headers);
    const unpaid = await h.createPayment({ customerId: customer.userId });
    for (const id of [failed.id, unpaid.id]) {
      const result = await h.refund(id, {}, admin.headers);
      expect(result.data?.refundPayment).toMatchObject({ payment: null, userErrors: [{ code: "ILLEGAL_STATE" }] });
      expect(await h.refundRows(id)).toEqual([]);
    }
    const unknown = await h.refund(randomUUID(), {}, admin.headers);
    expect(unknown.data?.refundPayment.userErrors[0]?.code).toBe("NOT_FOUND");
  });

  it("refuses zero, negative and overlong input", async () => {
    const payment = await paidPayment();
    for (const args of [{ amount: 0 }, { amount: -10 }, { reason: "x".repeat(501) }]) {
      const result = await h.refund(payment.id, args, admin.headers);
      expect(result.data?.refundPayment.userErrors[0]?.code).toBe("INVALID_INPUT");
    }
    expect(await h.refundRows(payment.id)).toEqual([]);
  });
});

describe("order.status_changed to CANCELLED", () => {
  it("refunds a paid payment in full, once, and marks the event processed", async () => {
    const payment = await paidPayment(3000);
    const partial = await h.refund(payment.id, { amount: 500 }, admin.headers);
    expect(partial.data?.refundPayment.payment?.status).toBe("PARTIALLY_REFUNDED");

    const event = await h.publishOrderStatus(payment.order.id, "CANCELLED", "PAID", 3000);
    await eventually(async () => expect((await h.paymentRow(payment.id)).status).toBe("REFUNDED"));
    await eventually(async () =>
      expect(
        await h.count(
          sql`select count(*)::int as n from payments.processed_event where event_id = ${event.id} and handler = ${ORDER_CANCELLED_HANDLER}`,
        ),
      ).toBe(1),
    );
    expect(await h.refundRows(payment.id)).toMatchObject([
      { amount: 500, status: "SUCCEEDED", origin: "ADMIN" },
      { amount: 2500, status: "SUCCEEDED", origin: "ORDER_CANCELLED" },
    ]);
    const events = await h.events<{ amount: number; full: boolean }>("orders", "payment.refunded", payment.id);
    expect(events.map((e) => [e.amount, e.full])).toEqual([
      [500, false],
      [2500, true],
    ]);

    // Another cancellation event for the same order changes nothing.
    const again = await h.publishOrderStatus(payment.order.id, "CANCELLED", "PAID", 3000);
    await eventually(async () =>
      expect(
        await h.count(sql`select count(*)::int as n from payments.processed_event where event_id = ${again.id}`),
      ).toBe(1),
    );
    expect(await h.refundRows(payment.id)).toHaveLength(2);
    expect(await h.events("orders", "payment.refunded", payment.id)).toHaveLength(2);
  });

  it("cancels an unpaid payment, and ignores other status changes", async () => {
    const payment = await h.createPayment({ customerId: customer.userId });
    await h.publishOrderStatus(payment.order.id, "SHIPPED");
    await h.publishOrderStatus(payment.order.id, "CANCELLED", "PENDING_PAYMENT");
    await eventually(async () => expect((await h.paymentRow(payment.id)).status).toBe("CANCELLED"));
    expect(await h.refundRows(payment.id)).toEqual([]);
  });
});

describe("Order.payment and clientSecret", () => {
  const ORDER = `query Order($id: ID!) { order(id: $id) { id payment { ${PAYMENT_FIELDS} } } }`;
  type OrderView = { order: { id: string; payment: PaymentView | null } | null };

  it("shows clientSecret to the order's customer only", async () => {
    const orderId = randomUUID();
    await h.seedOrder(orderId, customer.userId);
    const payment = await h.createPayment({ orderId, customerId: customer.userId });
    const { client_secret } = await h.paymentRow(payment.id);

    const mine = await stack.query<OrderView>(ORDER, { id: orderId }, customer.headers);
    expect(mine.errors).toBeUndefined();
    expect(mine.data?.order?.payment).toMatchObject({
      id: payment.id,
      status: "REQUIRES_PAYMENT",
      clientSecret: client_secret,
    });

    const asAdmin = await stack.query<OrderView>(ORDER, { id: orderId }, admin.headers);
    expect(asAdmin.data?.order?.payment).toMatchObject({ id: payment.id, clientSecret: null });

    expect((await stack.query<OrderView>(ORDER, { id: orderId }, other.headers)).data?.order).toBeNull();
    expect((await stack.query<OrderView>(ORDER, { id: orderId })).data?.order).toBeNull();
  });

  it("lists refunds through the router, batched", async () => {
    const orderId = randomUUID();
    await h.seedOrder(orderId, customer.userId);
    const payment = await h.createPayment({ orderId, customerId: customer.userId });
    await h.confirm(payment.id, "SUCCEED", customer.headers);
    await h.refund(payment.id, { amount: 100 }, admin.headers);
    await h.refund(payment.id, { amount: 200 }, admin.headers);
    const result = await stack.query<OrderView>(ORDER, { id: orderId }, customer.headers);
    expect(result.data?.order?.payment).toMatchObject({
      status: "PARTIALLY_REFUNDED",
      amountRefunded: { amount: 300 },
      refunds: [{ amount: { amount: 100 } }, { amount: { amount: 200 } }],
    });
  });

  it("resolves the payments and refunds of several orders with one query each", async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const orderId of ids) {
      await h.seedOrder(orderId, customer.userId);
      const payment = await h.createPayment({ orderId, customerId: customer.userId });
      await h.confirm(payment.id, "SUCCEED", customer.headers);
      await h.refund(payment.id, { amount: 100 }, admin.headers);
    }
    // What the router sends for a list of orders (e.g. User.orders): one _entities call with viewerCanPay.
    const query = `query($r: [_Any!]!) {
      _entities(representations: $r) { ... on Order { payment { id clientSecret refunds { id } } } }
    }`;
    const r = ids.map((id) => ({ __typename: "Order", id, viewerCanPay: true }));
    const before = stack.subgraphs.payments?.statementCount() ?? 0;
    const result = await h.viaSubgraph(query, { r }, customer.accessToken);
    const entities = (result.body.data as { _entities: { payment: { clientSecret: string; refunds: unknown[] } }[] })
      ._entities;
    expect(entities.map((e) => e.payment.refunds.length)).toEqual([1, 1, 1]);
    expect(entities.every((e) => e.payment.clientSecret.startsWith("test_pi_"))).toBe(true);
    // One query for the three payments, one for their refunds.
    expect((stack.subgraphs.payments?.statementCount() ?? 0) - before).toBe(2);
  });

  it("resolves Payment references only for their customer, admins and services", async () => {
    const payment = await h.createPayment({ customerId: customer.userId });
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Payment { id clientSecret } } }`;
    const r = [{ __typename: "Payment", id: payment.id }];
    expect((await h.viaSubgraph(query, { r }, customer.accessToken)).body.data).toEqual({
      _entities: [{ id: payment.id, clientSecret: null }],
    });
    expect((await h.viaSubgraph(query, { r }, other.accessToken)).body.data).toEqual({ _entities: [null] });
    expect((await h.viaSubgraph(query, { r })).body.data).toEqual({ _entities: [null] });
  });
});

describe("the Stripe webhook route without Stripe", () => {
  it("answers 404: webhooks are off with the TEST provider", async () => {
    const url = new URL("/webhooks/stripe", stack.subgraphs.payments?.url as string);
    const response = await fetch(url, { method: "POST", body: "{}", headers: { "stripe-signature": "t=1,v1=x" } });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: expect.stringContaining("STRIPE_WEBHOOK_SECRET") });
  });
});
