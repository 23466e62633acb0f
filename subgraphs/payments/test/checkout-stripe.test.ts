import { cart } from "@retailer/cart";
import { catalog } from "@retailer/catalog";
import { orders } from "@retailer/orders";
import { type Session, type Stack, startStack } from "@retailer/testing";
import { users } from "@retailer/users";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { payments } from "../src/service.js";
import { type FakeStripe, startFakeStripe } from "./fake-stripe.js";
import { deliver, stripeEnv, succeededEvent } from "./stripe-webhooks.js";
import { eventually, paymentsHarness } from "./support.js";

/** End to end with orders' checkout: cart -> order -> Stripe PaymentIntent -> webhook -> PAID. */

let fake: FakeStripe;
let stack: Stack;
let h: ReturnType<typeof paymentsHarness>;
let admin: Session;

beforeAll(async () => {
  fake = await startFakeStripe();
  stack = await startStack([users, catalog, cart, orders, payments], stripeEnv(fake));
  h = paymentsHarness(stack);
  admin = await stack.admin();
});
afterEach(() => {
  fake.mode = "normal";
});
afterAll(async () => {
  await stack?.stop();
  await fake?.close();
});

type Errors = { code: string; message: string }[];
interface OrderView {
  id: string;
  status: string;
  total: { amount: number; currencyCode: string };
  statusHistory: { to: string }[];
  payment: { id: string; provider: string; status: string; clientSecret: string | null } | null;
}
const ORDER_FIELDS =
  "id status total { amount currencyCode } statusHistory { to } payment { id provider status clientSecret }";
const ADDRESS = { name: "Ada Lovelace", line1: "1 Main St", city: "Berlin", postalCode: "10115", country: "DE" };
let skus = 0;

async function variant(price: number): Promise<string> {
  skus += 1;
  const result = await stack.query<{ createProduct: { product: { variants: { id: string }[] } | null } }>(
    "mutation($input: CreateProductInput!) { createProduct(input: $input) { product { variants { id } } userErrors { code message } } }",
    {
      input: {
        name: `Stripe product ${skus}`,
        status: "ACTIVE",
        variants: [{ sku: `STRIPE-${skus}`, name: "One", price, stockOnHand: 10 }],
      },
    },
    admin.headers,
  );
  const id = result.data?.createProduct.product?.variants[0]?.id;
  if (!id) throw new Error(JSON.stringify(result));
  return id;
}

async function placeOrder(
  headers?: Record<string, string>,
  email?: string,
): Promise<{ order: OrderView; orderAccessToken: string | null }> {
  const variantId = await variant(2000);
  const created = await stack.query<{ createCart: { cart: { id: string } | null } }>(
    "mutation($lines: [CartLineInput!]) { createCart(lines: $lines) { cart { id } } }",
    { lines: [{ variantId, quantity: 1 }] },
    headers,
  );
  const cartId = created.data?.createCart.cart?.id;
  if (!cartId) throw new Error(JSON.stringify(created));
  const result = await stack.query<{
    checkout: { order: OrderView | null; orderAccessToken: string | null; userErrors: Errors };
  }>(
    `mutation($input: CheckoutInput!) {
      checkout(input: $input) { order { ${ORDER_FIELDS} } orderAccessToken userErrors { code message } }
    }`,
    { input: { cartId, shippingAddress: ADDRESS, idempotencyKey: `stripe-${cartId}`, ...(email ? { email } : {}) } },
    headers,
  );
  const order = result.data?.checkout.order;
  if (!order) throw new Error(JSON.stringify(result));
  return { order, orderAccessToken: result.data?.checkout.orderAccessToken ?? null };
}

const readOrder = (id: string, headers?: Record<string, string>, accessToken?: string) =>
  stack
    .query<{ order: OrderView | null }>(
      `query($id: ID!, $accessToken: String) { order(id: $id, accessToken: $accessToken) { ${ORDER_FIELDS} } }`,
      { id, accessToken },
      headers,
    )
    .then((r) => r.data?.order ?? null);

describe("checkout with Stripe", () => {
  it("turns a paid order PAID exactly once under 20 concurrent duplicate webhook deliveries", async () => {
    const customer = await stack.signUp("Stripe Buyer");
    const { order } = await placeOrder(customer.headers);
    expect(order.status).toBe("PENDING_PAYMENT");
    expect(order.payment).toMatchObject({ provider: "STRIPE", status: "REQUIRES_PAYMENT" });
    const { provider_ref: ref } = await h.paymentRow(order.payment?.id as string);
    const stripeIntent = fake.intents.get(ref);
    // The PaymentIntent is for the order's total, and only its customer gets the client secret.
    expect(stripeIntent).toMatchObject({
      amount: order.total.amount,
      currency: "usd",
      metadata: { order_id: order.id },
    });
    expect(order.payment?.clientSecret).toBe(stripeIntent?.client_secret);
    const stranger = await stack.signUp("Stranger");
    expect(await readOrder(order.id, stranger.headers)).toBeNull();
    expect((await readOrder(order.id, admin.headers))?.payment?.clientSecret).toBeNull();

    fake.setIntentStatus(ref, "succeeded");
    const payload = succeededEvent(ref, { amount: order.total.amount });
    const results = await Promise.all(Array.from({ length: 20 }, () => deliver(stack, payload)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(results.filter((r) => r.body.outcome === "applied")).toHaveLength(1);

    const paid = await eventually(async () => {
      const current = await readOrder(order.id, customer.headers);
      expect(current?.status).toBe("PAID");
      return current as OrderView;
    });
    expect(paid.payment?.status).toBe("SUCCEEDED");
    expect(paid.statusHistory.filter((c) => c.to === "PAID")).toHaveLength(1);
    expect(await h.events("orders", "payment.succeeded", paid.payment?.id as string)).toHaveLength(1);
  });

  it("shows a guest the client secret with the order's access token only", async () => {
    const { order, orderAccessToken } = await placeOrder(undefined, "guest@retailer.test");
    expect(orderAccessToken).toBeTruthy();
    const { client_secret } = await h.paymentRow(order.payment?.id as string);
    expect((await readOrder(order.id, undefined, orderAccessToken as string))?.payment?.clientSecret).toBe(
      client_secret,
    );
    expect(await readOrder(order.id)).toBeNull();
  });

  it("refunds a paid order in full at Stripe when it is cancelled", async () => {
    const customer = await stack.signUp("Changed Mind");
    const { order } = await placeOrder(customer.headers);
    const { provider_ref: ref } = await h.paymentRow(order.payment?.id as string);
    fake.setIntentStatus(ref, "succeeded");
    await deliver(stack, succeededEvent(ref, { amount: order.total.amount }));
    await eventually(async () => expect((await readOrder(order.id, customer.headers))?.status).toBe("PAID"));

    const cancelled = await stack.query<{ cancelOrder: { order: { status: string } | null; userErrors: Errors } }>(
      'mutation($id: ID!) { cancelOrder(id: $id, reason: "changed my mind") { order { status } userErrors { code message } } }',
      { id: order.id },
      customer.headers,
    );
    expect(cancelled.data?.cancelOrder).toMatchObject({ userErrors: [], order: { status: "CANCELLED" } });
    await eventually(async () => expect((await h.paymentRow(order.payment?.id as string)).status).toBe("REFUNDED"));
    expect(fake.intents.get(ref)?.amount_refunded).toBe(order.total.amount);
    expect(await h.refundRows(order.payment?.id as string)).toMatchObject([
      { amount: order.total.amount, origin: "ORDER_CANCELLED", status: "SUCCEEDED" },
    ]);
    const stored = await h.count(
      sql`select count(*)::int as n from payments.processed_event where handler = 'payments.refund-or-cancel-on-order-cancelled'`,
    );
    expect(stored).toBeGreaterThanOrEqual(1);
  });
});
