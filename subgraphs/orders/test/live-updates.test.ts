import { cart } from "@retailer/cart";
import { catalog } from "@retailer/catalog";
import { mintServiceToken, type RunningSubgraph, startSubgraph } from "@retailer/kit";
import { payments } from "@retailer/payments";
import { type Session, type Stack, startStack } from "@retailer/testing";
import { users } from "@retailer/users";
import { type Client, createClient } from "graphql-ws";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { orders } from "../src/index.js";
import type { LiveUpdates } from "../src/live-updates.js";

let stack: Stack;
let admin: Session;
let customer: Session;
let replicaB: RunningSubgraph<unknown, unknown>;
let orderId: string;
let guestOrder: { id: string; token: string };
const clients: Client[] = [];

const ADDRESS = { name: "Ada", line1: "1 Main St", city: "Berlin", postalCode: "10115", country: "DE" };

/** A graphql-ws client to an orders replica, connected as the router would be (a service token). */
async function subgraphClient(url: string): Promise<Client> {
  const token = await mintServiceToken(stack.env.INTERNAL_SECRET as string, "router");
  const client = createClient({
    url: url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  clients.push(client);
  return client;
}

type Event = {
  data?: { orderUpdated?: { status: string }; myOrderUpdates?: { id: string; status: string } } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
};

/** Subscribes and collects what arrives; `first` resolves with the first result. */
function watch(client: Client, query: string, variables: Record<string, unknown>, authorization?: string) {
  const received: Event[] = [];
  let done = false;
  let notify: () => void = () => {};
  const unsubscribe = client.subscribe(
    { query, variables, ...(authorization ? { extensions: { authorization } } : {}) },
    {
      next: (value) => {
        received.push(value as Event);
        notify();
      },
      error: (error) => {
        received.push({
          errors: Array.isArray(error) ? error : [{ message: String((error as Error).message ?? error) }],
        });
        done = true;
        notify();
      },
      complete: () => {
        done = true;
        notify();
      },
    },
  );
  const until = (n: number, ms = 5_000) =>
    new Promise<Event[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`got ${JSON.stringify(received)} in ${ms} ms`)), ms);
      const check = () => {
        if (received.length >= n || done) {
          clearTimeout(timer);
          resolve(received);
        }
      };
      notify = check;
      check();
    });
  return { received, until, unsubscribe, isDone: () => done };
}

const ORDER_UPDATED =
  "subscription($id: ID!, $t: String) { orderUpdated(orderId: $id, accessToken: $t) { status trackingNumber } }";

const ship = (id: string, tracking: string) =>
  stack.query(
    `mutation($id: ID!, $t: String!) { shipOrder(input: { orderId: $id, carrier: "DHL", trackingNumber: $t }) { order { status } userErrors { code } } }`,
    { id, t: tracking },
    admin.headers,
  );

beforeAll(async () => {
  stack = await startStack([users, catalog, cart, orders, payments]);
  admin = await stack.admin();
  customer = await stack.signUp("Watcher");
  const created = await stack.query<{ createProduct: { product: { variants: { id: string }[] } } }>(
    `mutation { createProduct(input: { name: "Live", status: ACTIVE, variants: [{ sku: "LIVE-1", name: "One", price: 100, stockOnHand: 50 }] }) { product { variants { id } } } }`,
    {},
    admin.headers,
  );
  const variantId = created.data?.createProduct.product.variants[0]?.id;
  const newCart = async (headers?: Record<string, string>) =>
    (
      await stack.query<{ createCart: { cart: { id: string } } }>(
        "mutation($l: [CartLineInput!]) { createCart(lines: $l) { cart { id } } }",
        { l: [{ variantId, quantity: 1 }] },
        headers,
      )
    ).data?.createCart.cart.id;
  const placed = await stack.query<{ checkout: { order: { id: string } } }>(
    "mutation($i: CheckoutInput!) { checkout(input: $i) { order { id } userErrors { code } } }",
    { i: { cartId: await newCart(customer.headers), shippingAddress: ADDRESS, idempotencyKey: "live-1" } },
    customer.headers,
  );
  orderId = placed.data?.checkout.order.id as string;
  const guest = await stack.query<{ checkout: { order: { id: string }; orderAccessToken: string } }>(
    "mutation($i: CheckoutInput!) { checkout(input: $i) { order { id } orderAccessToken userErrors { code } } }",
    { i: { cartId: await newCart(), email: "g@example.com", shippingAddress: ADDRESS, idempotencyKey: "live-g" } },
  );
  guestOrder = { id: guest.data?.checkout.order.id as string, token: guest.data?.checkout.orderAccessToken as string };
  // A second orders replica on the same database, as a scaled-out deployment runs them.
  replicaB = (await startSubgraph(orders, { env: stack.env, port: 0 })) as RunningSubgraph<unknown, unknown>;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await replicaB?.stop();
  await stack?.stop();
});

describe("live order updates on the orders subgraph", () => {
  it("reach the order's customer for each change: paid, then shipped with its tracking number", async () => {
    const replicaA = await subgraphClient(stack.subgraphs.orders?.url as string);
    const sub = watch(replicaA, ORDER_UPDATED, { id: orderId }, customer.headers.authorization);
    await new Promise((r) => setTimeout(r, 200));
    const payment = await stack.query<{ order: { payment: { id: string } } }>(
      "query($id: ID!) { order(id: $id) { payment { id } } }",
      { id: orderId },
      customer.headers,
    );
    await stack.query(
      "mutation($id: ID!) { confirmTestPayment(paymentId: $id) { payment { status } } }",
      { id: payment.data?.order.payment.id },
      customer.headers,
    );
    const events = await sub.until(1);
    expect(events[0]?.data?.orderUpdated?.status).toBe("PAID");
    await ship(orderId, "TRACK-1");
    const after = await sub.until(2);
    expect(after[1]?.data?.orderUpdated).toEqual({ status: "SHIPPED", trackingNumber: "TRACK-1" });
    sub.unsubscribe();
  });

  it("serves a change made on replica B to a subscriber of replica A (cross-replica fan-out)", async () => {
    const replicaA = await subgraphClient(stack.subgraphs.orders?.url as string);
    const sub = watch(replicaA, ORDER_UPDATED, { id: orderId }, admin.headers.authorization);
    await new Promise((r) => setTimeout(r, 200));
    const b = replicaB as unknown as {
      services: { lifecycle: { transition(id: string, to: string, actor: string, o: object): Promise<unknown> } };
    };
    await b.services.lifecycle.transition(orderId, "DELIVERED", "ADMIN", { by: "test" });
    const events = await sub.until(1);
    expect(events[0]?.data?.orderUpdated?.status).toBe("DELIVERED");
    sub.unsubscribe();
  });

  it("lets a guest track with the order's access token, and nobody else", async () => {
    const client = await subgraphClient(stack.subgraphs.orders?.url as string);
    const withToken = watch(client, ORDER_UPDATED, { id: guestOrder.id, t: guestOrder.token });
    const stranger = await stack.signUp("Stranger");
    const others = watch(client, ORDER_UPDATED, { id: orderId }, stranger.headers.authorization);
    const anonymous = watch(client, ORDER_UPDATED, { id: orderId });
    const wrongToken = watch(client, ORDER_UPDATED, { id: guestOrder.id, t: `${guestOrder.token}x` });
    for (const refused of [others, anonymous, wrongToken]) {
      const [event] = await refused.until(1);
      expect(event?.errors?.[0]?.extensions?.code ?? event?.errors?.[0]?.message).toMatch(/NOT_FOUND|not found/);
      expect(event?.data?.orderUpdated).toBeUndefined();
    }
    const cancel = await stack.query(
      "mutation($id: ID!) { cancelOrder(id: $id) { order { status } userErrors { code } } }",
      { id: guestOrder.id },
      admin.headers,
    );
    expect(cancel.errors).toBeUndefined();
    const [event] = await withToken.until(1);
    expect(event?.data?.orderUpdated?.status).toBe("CANCELLED");
    withToken.unsubscribe();
  });

  it("reads a changed order once, however many watch it", async () => {
    const client = await subgraphClient(stack.subgraphs.orders?.url as string);
    const orders = stack.subgraphs.orders;
    if (!orders) throw new Error("no orders");
    const statementsForOneChange = async (watchers: number) => {
      const subs = Array.from({ length: watchers }, () =>
        watch(client, ORDER_UPDATED, { id: guestOrder.id, t: guestOrder.token }),
      );
      await new Promise((r) => setTimeout(r, 300));
      const before = orders.statementCount();
      const db = orders.database.db;
      await sql`select pg_notify('order_updates', ${guestOrder.id})`.execute(db);
      await new Promise((r) => setTimeout(r, 300));
      for (const sub of subs) sub.unsubscribe();
      return orders.statementCount() - before;
    };
    const one = await statementsForOneChange(1);
    const twenty = await statementsForOneChange(20);
    // The test's own pg_notify, then one read of the order.
    expect(one).toBe(2);
    expect(twenty).toBe(one);
  });

  it("streams every change of the customer's own orders to myOrderUpdates, and refuses anonymous callers", async () => {
    const client = await subgraphClient(stack.subgraphs.orders?.url as string);
    const mine = watch(client, "subscription { myOrderUpdates { id status } }", {}, customer.headers.authorization);
    const nobody = watch(client, "subscription { myOrderUpdates { id status } }", {});
    const [refused] = await nobody.until(1);
    expect(refused?.errors?.[0]?.extensions?.code ?? refused?.errors?.[0]?.message).toMatch(/UNAUTHENTICATED|Sign in/);
    await new Promise((r) => setTimeout(r, 200));
    await stack.query(
      `mutation($id: ID!) { cancelOrder(id: $id) { userErrors { code } } }`,
      { id: guestOrder.id },
      admin.headers,
    );
    const b = replicaB as unknown as {
      services: { lifecycle: { transition(id: string, to: string, actor: string, o: object): Promise<unknown> } };
    };
    await b.services.lifecycle.transition(orderId, "REFUNDED", "SYSTEM", { by: "test" });
    const [event] = await mine.until(1);
    expect(event?.data?.myOrderUpdates).toEqual({ id: orderId, status: "REFUNDED" });
    mine.unsubscribe();
  });

  it("forgets a subscriber's listener, and the order's entry, when its client disconnects", async () => {
    const orders = stack.subgraphs.orders;
    if (!orders) throw new Error("no orders");
    const live = (orders.services as { live: LiveUpdates }).live;
    const settle = async (condition: () => boolean, what: string) => {
      const deadline = Date.now() + 5_000;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(live.indexed)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    // Earlier tests unsubscribed: their listeners are gone, and so are their orders' entries.
    await settle(() => live.listenerCount === 0, "earlier subscriptions to end");
    expect(live.indexed).toEqual({ orders: 0, customers: 0, all: 0 });

    const client = await subgraphClient(orders.url);
    watch(client, ORDER_UPDATED, { id: guestOrder.id, t: guestOrder.token });
    watch(client, ORDER_UPDATED, { id: guestOrder.id, t: guestOrder.token });
    watch(client, ORDER_UPDATED, { id: orderId }, customer.headers.authorization);
    watch(client, "subscription { myOrderUpdates { id status } }", {}, customer.headers.authorization);
    await settle(() => live.listenerCount === 4, "four listeners");
    expect(live.indexed).toEqual({ orders: 2, customers: 1, all: 0 });

    // The client goes away without unsubscribing.
    await client.dispose();
    await settle(() => live.listenerCount === 0, "the disconnect to remove the listeners");
    expect(live.indexed).toEqual({ orders: 0, customers: 0, all: 0 });
  });
});
