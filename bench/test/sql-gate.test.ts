/**
 * The benchmarks' regression gate (issue 11), in `npm test`: what is
 * deterministic about performance is how many SQL statements (per service)
 * and subgraph fetches an operation costs. These are fixed numbers: a change
 * that adds a statement per row (an N+1) or an extra round trip fails here,
 * long before a benchmark would show it.
 *
 * - S1 storefront listing: products(first: 24) and (first: 96) with variants and category;
 * - a cart read with 1 and with 20 lines (cart -> catalog);
 * - order history (me.orders with lines and payment) of 1 and of 10 orders (users -> orders -> payments).
 */
import { cart } from "@retailer/cart";
import { catalog } from "@retailer/catalog";
import { orders } from "@retailer/orders";
import { payments } from "@retailer/payments";
import { type Session, type Stack, startStack } from "@retailer/testing";
import { users } from "@retailer/users";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CART_READ, CHECKOUT, ORDER_HISTORY, SHIPPING_ADDRESS, STOREFRONT } from "../src/queries.js";
import { seedBenchCatalog } from "../src/seed.js";

let stack: Stack;
let variantIds: string[] = [];

type Counts = { sql: Record<string, number>; fetches: Record<string, number> };

const SERVICES = ["users", "catalog", "cart", "orders", "payments"] as const;

function statements(): Record<string, number> {
  return Object.fromEntries(SERVICES.map((name) => [name, stack.subgraphs[name]?.statementCount() ?? 0]));
}

async function fetches(): Promise<Record<string, number>> {
  const metric = await stack.router.metrics.subgraphFetchDuration.get();
  const out: Record<string, number> = {};
  for (const value of metric.values) {
    if (!value.metricName?.endsWith("_count")) continue;
    const name = String(value.labels.subgraph);
    out[name] = (out[name] ?? 0) + value.value;
  }
  return out;
}

/** Waits until no service runs SQL for a moment (event handlers after a checkout, ...). */
async function quiet(): Promise<void> {
  let last = JSON.stringify(statements());
  for (let i = 0; i < 60; i += 1) {
    await new Promise((r) => setTimeout(r, 250));
    const now = JSON.stringify(statements());
    if (now === last) return;
    last = now;
  }
}

const diff = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(
    Object.keys(after)
      .map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)] as const)
      .filter(([, v]) => v !== 0),
  );

/** SQL statements per service and subgraph fetches of one operation (after a warm-up run of the same). */
async function cost(query: string, variables: Record<string, unknown>, headers?: Record<string, string>) {
  const check = (result: Awaited<ReturnType<Stack["query"]>>) => {
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result;
  };
  check(await stack.query(query, variables, headers));
  await quiet();
  const sqlBefore = statements();
  const fetchesBefore = await fetches();
  const result = check(await stack.query(query, variables, headers));
  const counts: Counts = { sql: diff(statements(), sqlBefore), fetches: diff(await fetches(), fetchesBefore) };
  return { counts, data: result.data as Record<string, unknown> };
}

async function newCart(lines: number): Promise<string> {
  const result = await stack.query<{ createCart: { cart: { id: string } | null } }>(
    "mutation($lines: [CartLineInput!]) { createCart(lines: $lines) { cart { id } userErrors { code message } } }",
    { lines: variantIds.slice(0, lines).map((variantId) => ({ variantId, quantity: 1 })) },
  );
  const id = result.data?.createCart.cart?.id;
  if (!id) throw new Error(JSON.stringify(result));
  return id;
}

async function placeOrders(customer: Session, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const created = await stack.query<{ createCart: { cart: { id: string } | null } }>(
      "mutation($lines: [CartLineInput!]) { createCart(lines: $lines) { cart { id } } }",
      {
        lines: [
          { variantId: variantIds[2 * i] as string, quantity: 1 },
          { variantId: variantIds[2 * i + 1] as string, quantity: 2 },
        ],
      },
      customer.headers,
    );
    const cartId = created.data?.createCart.cart?.id;
    const placed = await stack.query<{ checkout: { order: { id: string } | null; userErrors: unknown[] } }>(
      CHECKOUT,
      { input: { cartId, shippingAddress: SHIPPING_ADDRESS, idempotencyKey: `gate-${customer.userId}-${i}` } },
      customer.headers,
    );
    if (!placed.data?.checkout.order) throw new Error(JSON.stringify(placed));
    // The cart is converted by the order.placed event, a moment later: until then a new
    // createCart of this customer would add to it (and lose the lines with it).
    for (let wait = 0; wait < 100; wait += 1) {
      const open = await stack.query<{ me: { cart: { id: string } | null } }>(
        "{ me { cart { id } } }",
        {},
        customer.headers,
      );
      if (open.data?.me.cart?.id !== cartId) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

let oneOrder: Session;
let tenOrders: Session;

beforeAll(async () => {
  stack = await startStack([users, catalog, cart, orders, payments], { ORDER_SWEEP_INTERVAL_MS: "3600000" });
  await seedBenchCatalog(stack.database.url, 200);
  const client = new pg.Client({ connectionString: stack.database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `select v.id from catalog.variant v join catalog.product p on p.id = v.product_id
        where p.status = 'ACTIVE' and v.on_hand >= 10 order by v.sku limit 40`,
    );
    variantIds = rows.map((r) => r.id);
  } finally {
    await client.end();
  }
  oneOrder = await stack.signUp("One Order");
  tenOrders = await stack.signUp("Ten Orders");
  await placeOrders(oneOrder, 1);
  await placeOrders(tenOrders, 10);
  await quiet();
}, 120_000);

afterAll(() => stack?.stop());

describe("SQL statements and subgraph fetches per operation (fixed: a change here is a regression or a win to record)", () => {
  it("S1 storefront listing: the same for 24 products as for 96", async () => {
    const small = await cost(STOREFRONT, { first: 24 });
    const large = await cost(STOREFRONT, { first: 96 });
    const nodes = (r: { data: Record<string, unknown> }) =>
      (r.data.products as { nodes: { variants: unknown[] }[] }).nodes;
    expect(nodes(small)).toHaveLength(24);
    expect(nodes(large)).toHaveLength(96);
    expect(nodes(large).every((n) => n.variants.length === 3)).toBe(true);
    expect(large.counts).toEqual(small.counts);
    // The page, the categories and the variants (5 before totalCount's count(*) ran only when asked, and
    // inStock stopped re-reading the products the page had loaded).
    expect(small.counts).toEqual({ sql: { catalog: 3 }, fetches: { catalog: 1 } });
  });

  it("a cart read: the same for 1 line as for 20", async () => {
    const one = await cost(CART_READ, { id: await newCart(1) });
    const twenty = await cost(CART_READ, { id: await newCart(20) });
    expect((twenty.data.cart as { lines: unknown[] }).lines).toHaveLength(20);
    expect(twenty.counts).toEqual(one.counts);
    // cart: the cart and its lines; catalog: prices for cart (internal call) and the variants' fields (_entities).
    expect(one.counts).toEqual({ sql: { cart: 2, catalog: 4 }, fetches: { cart: 1, catalog: 1 } });
  });

  it("order history with lines and payment: the same for 1 order as for 10", async () => {
    const one = await cost(ORDER_HISTORY, { first: 10 }, oneOrder.headers);
    const ten = await cost(ORDER_HISTORY, { first: 10 }, tenOrders.headers);
    const history = (r: { data: Record<string, unknown> }) =>
      (r.data.me as { orders: { nodes: { lines: unknown[]; payment: unknown }[] } }).orders.nodes;
    expect(history(one)).toHaveLength(1);
    expect(history(ten)).toHaveLength(10);
    expect(history(ten).every((o) => o.lines.length === 2 && o.payment !== null)).toBe(true);
    expect(ten.counts).toEqual(one.counts);
    expect(one.counts).toEqual({
      sql: { users: 1, orders: 3, payments: 1 },
      fetches: { users: 1, orders: 1, payments: 1 },
    });
  });
});
