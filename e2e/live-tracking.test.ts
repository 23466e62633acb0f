import { cart } from "@retailer/cart";
import { catalog } from "@retailer/catalog";
import { orders } from "@retailer/orders";
import { payments } from "@retailer/payments";
import { type Session, type Stack, startStack } from "@retailer/testing";
import { users } from "@retailer/users";
import { type Client, createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";

/**
 * Live order tracking through the router: orderUpdated is served by orders
 * over graphql-ws, and each event's payment, product and customer fields
 * are fetched from payments, catalog and users with the subscriber's token.
 */
let stack: Stack;
let admin: Session;
let customer: Session;
let orderId: string;
let paymentId: string;
const clients: Client[] = [];

const TRACK = `subscription Track($id: ID!) {
  orderUpdated(orderId: $id) {
    id status updatedAt
    payment { status }
    lines { quantity variant { sku product { name } } }
    customer { email }
  }
}`;

interface Tracked {
  id: string;
  status: string;
  updatedAt: string;
  payment: { status: string } | null;
  lines: { quantity: number; variant: { sku: string; product: { name: string } } }[];
  customer: { email: string } | null;
}

beforeAll(async () => {
  stack = await startStack([users, catalog, cart, orders, payments]);
  admin = await stack.admin();
  customer = await stack.signUp("Ada Tracker");
  const product = await stack.query<{ createProduct: { product: { variants: { id: string }[] } } }>(
    `mutation { createProduct(input: { name: "Tracking Mug", status: ACTIVE, variants: [{ sku: "MUG-TRACK", name: "Red", price: 1800, stockOnHand: 5 }] }) { product { variants { id } } } }`,
    {},
    admin.headers,
  );
  const created = await stack.query<{ createCart: { cart: { id: string } } }>(
    "mutation($v: ID!) { createCart(lines: [{ variantId: $v, quantity: 1 }]) { cart { id } } }",
    { v: product.data?.createProduct.product.variants[0]?.id },
    customer.headers,
  );
  const placed = await stack.query<{ checkout: { order: { id: string; payment: { id: string } } } }>(
    `mutation($input: CheckoutInput!) { checkout(input: $input) { order { id payment { id } } userErrors { code message } } }`,
    {
      input: {
        cartId: created.data?.createCart.cart.id,
        shippingAddress: { name: "Ada", line1: "1 Analytical St", city: "London", postalCode: "N1 1AA", country: "GB" },
        idempotencyKey: "live-tracking-1",
      },
    },
    customer.headers,
  );
  const order = placed.data?.checkout.order;
  if (!order) throw new Error(`checkout failed: ${JSON.stringify(placed)}`);
  orderId = order.id;
  paymentId = order.payment.id;
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await stack?.stop();
});

function subscribe(token: string) {
  const client = createClient({
    url: stack.router.url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  clients.push(client);
  const events: { at: number; order: Tracked }[] = [];
  const errors: unknown[] = [];
  let done = false;
  client.subscribe<{ orderUpdated: Tracked }>(
    { query: TRACK, variables: { id: orderId } },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data) events.push({ at: Date.now(), order: result.data.orderUpdated });
      },
      error: (error) => {
        errors.push(error);
        done = true;
      },
      complete: () => {
        done = true;
      },
    },
  );
  return { events, errors, ended: () => done };
}

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("orderUpdated through the router", () => {
  it("delivers each status change, with fields of four subgraphs, within a second of the change", async () => {
    const ordersSubgraph = stack.subgraphs.orders;
    if (!ordersSubgraph) throw new Error("no orders subgraph");
    const live = () => (ordersSubgraph.services as { live: { listenerCount: number } }).live;
    const before = live().listenerCount;
    const tracking = subscribe(customer.accessToken);
    // Open upstream: orders listens for it.
    await until(() => live().listenerCount > before);

    await stack.query(
      "mutation($id: ID!) { confirmTestPayment(paymentId: $id) { payment { status } } }",
      { id: paymentId },
      customer.headers,
    );
    await until(() => tracking.events.some((e) => e.order.status === "PAID"));
    const paid = tracking.events.find((e) => e.order.status === "PAID");
    expect(paid?.order).toMatchObject({
      id: orderId,
      payment: { status: "SUCCEEDED" },
      lines: [{ quantity: 1, variant: { sku: "MUG-TRACK", product: { name: "Tracking Mug" } } }],
      customer: { email: customer.email },
    });
    expect((paid?.at ?? 0) - Date.parse(paid?.order.updatedAt ?? "")).toBeLessThan(1_000);

    const shippedAt = Date.now();
    const shipped = await stack.query<{ shipOrder: { order: { status: string } } }>(
      `mutation($id: ID!) { shipOrder(input: { orderId: $id, carrier: "UPS", trackingNumber: "1Z-LIVE" }) { order { status } userErrors { code } } }`,
      { id: orderId },
      admin.headers,
    );
    expect(shipped.data?.shipOrder.order.status).toBe("SHIPPED");
    await until(() => tracking.events.some((e) => e.order.status === "SHIPPED"), 2_000);
    const event = tracking.events.find((e) => e.order.status === "SHIPPED");
    expect((event?.at ?? 0) - shippedAt).toBeLessThan(1_000);
    expect(tracking.errors).toEqual([]);
  });

  it("does not let another customer subscribe to that order", async () => {
    const stranger = await stack.signUp("Nosy Parker");
    const attempt = subscribe(stranger.accessToken);
    await until(attempt.ended, 5_000);
    expect(attempt.events).toEqual([]);
    expect((attempt.errors[0] as { extensions?: { code?: string } }).extensions?.code).toBe("NOT_FOUND");
  });
});
