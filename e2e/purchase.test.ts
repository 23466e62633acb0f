import { cart } from "@retailer/cart";
import { catalog } from "@retailer/catalog";
import { notifications } from "@retailer/notifications";
import { orders } from "@retailer/orders";
import { payments } from "@retailer/payments";
import { type Session, type Stack, startStack } from "@retailer/testing";
import { users } from "@retailer/users";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The whole platform, every subgraph behind the router: a customer signs up,
 * fills a cart, checks out, pays, and is mailed at each step; an admin ships.
 */
let stack: Stack;
let admin: Session;

async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(value)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  stack = await startStack([users, catalog, cart, orders, payments, notifications]);
  admin = await stack.admin();
});
afterAll(() => stack?.stop());

type Mail = { template: string; status: string; subject: string | null; body: string; orderId: string | null };

describe("a customer's purchase across the six subgraphs", () => {
  it("signs up, buys, pays, is mailed, and sees it all through the router", async () => {
    const customer = await stack.signUp("Grace Hopper");
    const mails = async () =>
      (
        await stack.query<{ me: { notifications: { nodes: Mail[] } } }>(
          "{ me { notifications(first: 20) { nodes { template status subject body orderId } } } }",
          {},
          customer.headers,
        )
      ).data?.me.notifications.nodes ?? [];
    await eventually(mails, (m) => m.some((n) => n.template === "welcome" && n.status === "SENT"));

    const product = await stack.query<{ createProduct: { product: { variants: { id: string }[] } } }>(
      `mutation { createProduct(input: { name: "Compiler Mug", status: ACTIVE, variants: [{ sku: "MUG-COBOL", name: "Blue", price: 2500, stockOnHand: 3 }] }) { product { variants { id } } } }`,
      {},
      admin.headers,
    );
    const variantId = product.data?.createProduct.product.variants[0]?.id;
    const created = await stack.query<{ createCart: { cart: { id: string; subtotal: { amount: number } } } }>(
      "mutation($v: ID!) { createCart(lines: [{ variantId: $v, quantity: 2 }]) { cart { id subtotal { amount } } userErrors { code } } }",
      { v: variantId },
      customer.headers,
    );
    expect(created.data?.createCart.cart.subtotal.amount).toBe(5000);
    const address = await stack.query<{ addAddress: { address: { id: string } } }>(
      `mutation { addAddress(input: { name: "Grace Hopper", line1: "1 Navy Yard", city: "Arlington", region: "VA", postalCode: "22202", country: "US" }) { address { id } userErrors { code } } }`,
      {},
      customer.headers,
    );

    const placed = await stack.query<{
      checkout: {
        order: {
          id: string;
          number: string;
          total: { amount: number };
          customer: { email: string };
          lines: { variant: { sku: string; product: { name: string } } }[];
          payment: { id: string; clientSecret: string };
        };
        userErrors: unknown[];
      };
    }>(
      `mutation($input: CheckoutInput!) { checkout(input: $input) {
        order { id number total { amount } customer { email } lines { variant { sku product { name } } } payment { id clientSecret } }
        userErrors { code message } } }`,
      {
        input: {
          cartId: created.data?.createCart.cart.id,
          addressId: address.data?.addAddress.address.id,
          idempotencyKey: "grace-1",
        },
      },
      customer.headers,
    );
    expect(placed.data?.checkout.userErrors).toEqual([]);
    const order = placed.data?.checkout.order;
    if (!order) throw new Error(JSON.stringify(placed));
    // Fields of four subgraphs in one answer: orders, users, catalog, payments.
    expect(order.customer.email).toBe(customer.email);
    expect(order.lines[0]?.variant).toEqual({ sku: "MUG-COBOL", product: { name: "Compiler Mug" } });
    expect(order.total.amount).toBe(5000);
    expect(order.payment.clientSecret).toBeTruthy();

    await stack.query(
      "mutation($id: ID!) { confirmTestPayment(paymentId: $id) { payment { status } } }",
      { id: order.payment.id },
      customer.headers,
    );
    await eventually(mails, (m) =>
      m.some((n) => n.template === "order_confirmed" && n.orderId === order.id && n.status === "SENT"),
    );
    const confirmed = (await mails()).find((n) => n.template === "order_confirmed");
    expect(confirmed?.subject).toContain(order.number);
    expect(confirmed?.body).toContain("MUG-COBOL");

    const shipped = await stack.query<{ shipOrder: { order: { status: string } } }>(
      `mutation($id: ID!) { shipOrder(input: { orderId: $id, carrier: "UPS", trackingNumber: "1Z999" }) { order { status } userErrors { code } } }`,
      { id: order.id },
      admin.headers,
    );
    expect(shipped.data?.shipOrder.order.status).toBe("SHIPPED");
    await eventually(mails, (m) => m.some((n) => n.template === "order_shipped" && n.body.includes("1Z999")));

    const stock = await stack.query<{ product: { variants: { stock: { onHand: number; reserved: number } }[] } }>(
      "query($slug: String) { product(slug: $slug) { variants { stock { onHand reserved } } } }",
      { slug: "compiler-mug" },
      admin.headers,
    );
    expect(stock.data?.product.variants[0]?.stock).toEqual({ onHand: 1, reserved: 0 });
    const mine = await stack.query<{ me: { orders: { nodes: { status: string; payment: { status: string } }[] } } }>(
      "{ me { orders(first: 5) { nodes { status payment { status } } } } }",
      {},
      customer.headers,
    );
    expect(mine.data?.me.orders.nodes).toEqual([{ status: "SHIPPED", payment: { status: "SUCCEEDED" } }]);

    // Business metrics for the dashboards, from each service's /metrics.
    const metric = async (service: string, line: RegExp) => {
      const text = await (await fetch(new URL("/metrics", stack.subgraphs[service]?.url))).text();
      return Number(
        text
          .split("\n")
          .find((l) => line.test(l))
          ?.split(" ")
          .at(-1) ?? Number.NaN,
      );
    };
    expect(await metric("orders", /^retailer_orders_total\{event="placed"/)).toBe(1);
    expect(await metric("orders", /^retailer_orders_total\{event="paid"/)).toBe(1);
    expect(await metric("orders", /^retailer_orders_total\{event="shipped"/)).toBe(1);
    expect(await metric("payments", /^retailer_payments_total\{outcome="succeeded"/)).toBe(1);
    expect(
      await metric("notifications", /^retailer_notifications_total\{channel="EMAIL",status="sent"/),
    ).toBeGreaterThanOrEqual(3);
  });
});
