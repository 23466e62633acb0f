import { randomUUID } from "node:crypto";
import { cart } from "@retailer/cart";
import { catalog } from "@retailer/catalog";
import { createLogger, InternalClient } from "@retailer/kit";
import { payments } from "@retailer/payments";
import { type Session, type Stack, startStack } from "@retailer/testing";
import { users } from "@retailer/users";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { retireClaim } from "../src/db/claim.repository.js";
import type { OrdersDatabase } from "../src/db/database.js";
import { orders } from "../src/index.js";
import { Services } from "../src/services.js";

let stack: Stack;
let admin: Session;

type Errors = { code: string; field: string[] | null; message: string }[];
type OrderResult = {
  id: string;
  number: string;
  status: string;
  email: string;
  subtotal: { amount: number };
  shipping: { amount: number };
  tax: { amount: number };
  total: { amount: number; currencyCode: string };
  lines: { sku: string; quantity: number; unitPrice: { amount: number }; productName: string }[];
  payment: { id: string; status: string; provider: string; clientSecret: string | null } | null;
};
type CheckoutResult = { order: OrderResult | null; orderAccessToken: string | null; userErrors: Errors };

const ORDER_FIELDS = `id number status email subtotal { amount } shipping { amount } tax { amount } total { amount currencyCode }
  lines { sku quantity unitPrice { amount } productName } payment { id status provider clientSecret }`;
const ADDRESS = { name: "Ada Lovelace", line1: "1 Main St", city: "Berlin", postalCode: "10115", country: "DE" };

async function product(sku: string, price: number, stock: number): Promise<string> {
  const result = await stack.query<{
    createProduct: { product: { variants: { id: string }[] } | null; userErrors: Errors };
  }>(
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { variants { id } } userErrors { code message } } }`,
    {
      input: { name: `Product ${sku}`, status: "ACTIVE", variants: [{ sku, name: "One", price, stockOnHand: stock }] },
    },
    admin.headers,
  );
  const id = result.data?.createProduct.product?.variants[0]?.id;
  if (!id) throw new Error(JSON.stringify(result));
  return id;
}

async function cartWith(
  lines: { variantId: string; quantity: number }[],
  headers?: Record<string, string>,
): Promise<string> {
  const result = await stack.query<{ createCart: { cart: { id: string } | null; userErrors: Errors } }>(
    "mutation($lines: [CartLineInput!]) { createCart(lines: $lines) { cart { id } userErrors { code message } } }",
    { lines },
    headers,
  );
  const id = result.data?.createCart.cart?.id;
  if (!id) throw new Error(JSON.stringify(result));
  return id;
}

async function checkout(input: Record<string, unknown>, headers?: Record<string, string>): Promise<CheckoutResult> {
  const result = await stack.query<{ checkout: CheckoutResult }>(
    `mutation($input: CheckoutInput!) { checkout(input: $input) { order { ${ORDER_FIELDS} } orderAccessToken userErrors { code field message } } }`,
    { input },
    headers,
  );
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.checkout;
}

async function available(variantId: string): Promise<{ onHand: number; reserved: number }> {
  const db = stack.subgraphs.catalog?.database.db;
  if (!db) throw new Error("no catalog");
  const { rows } = await sql<{
    on_hand: number;
    reserved: number;
  }>`select on_hand, reserved from catalog.variant where id = ${variantId}`.execute(db);
  return { onHand: rows[0]?.on_hand ?? -1, reserved: rows[0]?.reserved ?? -1 };
}

async function orderStatus(id: string, headers: Record<string, string>): Promise<string | undefined> {
  const result = await stack.query<{ order: { status: string } | null }>(
    "query($id: ID!) { order(id: $id) { status } }",
    { id },
    headers,
  );
  return result.data?.order?.status;
}

/** Polls until `check` passes (events travel through the bus), failing after a few seconds. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 8_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(value)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function cartStatus(id: string): Promise<string | undefined> {
  const db = stack.subgraphs.cart?.database.db;
  if (!db) throw new Error("no cart");
  const { rows } = await sql<{ status: string }>`select status from cart.cart where id = ${id}`.execute(db);
  return rows[0]?.status;
}

const countRows = async (table: string): Promise<number> => {
  const db = stack.subgraphs.orders?.database.db;
  if (!db) throw new Error("no orders");
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
  return rows[0]?.n ?? 0;
};

beforeAll(async () => {
  stack = await startStack([users, catalog, cart, orders, payments], { ORDER_PAYMENT_TIMEOUT_MINUTES: "1" });
  admin = await stack.admin();
});
afterAll(() => stack?.stop());

describe("a purchase", () => {
  it("goes from cart to paid, shipped and delivered with the TEST provider", async () => {
    const customer = await stack.signUp("Buyer");
    const tee = await product("TEE-1", 1500, 10);
    const mug = await product("MUG-1", 999, 5);
    const cartId = await cartWith(
      [
        { variantId: tee, quantity: 2 },
        { variantId: mug, quantity: 1 },
      ],
      customer.headers,
    );
    const placed = await checkout({ cartId, shippingAddress: ADDRESS, idempotencyKey: "buy-1" }, customer.headers);
    expect(placed.userErrors).toEqual([]);
    expect(placed.orderAccessToken).toBeNull();
    const order = placed.order as OrderResult;
    expect(order).toMatchObject({
      status: "PENDING_PAYMENT",
      email: customer.email,
      subtotal: { amount: 3999 },
      shipping: { amount: 499 },
      tax: { amount: 855 },
      total: { amount: 5353, currencyCode: "USD" },
    });
    expect(order.number).toMatch(/^R-\d{6}$/);
    expect(order.lines.map((l) => `${l.sku}x${l.quantity}@${l.unitPrice.amount}`)).toEqual([
      "TEE-1x2@1500",
      "MUG-1x1@999",
    ]);
    expect(order.payment).toMatchObject({ provider: "TEST", status: "REQUIRES_PAYMENT" });
    expect(order.payment?.clientSecret).toBeTruthy();
    expect(await available(tee)).toEqual({ onHand: 10, reserved: 2 });

    const paid = await stack.query<{ confirmTestPayment: { payment: { status: string } | null; userErrors: Errors } }>(
      "mutation($id: ID!) { confirmTestPayment(paymentId: $id) { payment { status } userErrors { code message } } }",
      { id: order.payment?.id },
      customer.headers,
    );
    expect(paid.data?.confirmTestPayment.payment?.status).toBe("SUCCEEDED");
    await eventually(
      () => orderStatus(order.id, customer.headers),
      (s) => s === "PAID",
    );
    await eventually(
      () => available(tee),
      (a) => a.onHand === 8 && a.reserved === 0,
    );

    // The cart was converted by order.placed: it cannot be checked out again.
    const again = await checkout({ cartId, shippingAddress: ADDRESS, idempotencyKey: "buy-2" }, customer.headers);
    expect(again.userErrors[0]?.code).toMatch(/CART_NOT_OPEN|NOT_FOUND/);

    const shipped = await stack.query<{
      shipOrder: { order: { status: string; carrier: string; trackingNumber: string } };
    }>(
      `mutation($id: ID!) { shipOrder(input: { orderId: $id, carrier: "DHL", trackingNumber: "JD0001" }) { order { status carrier trackingNumber } userErrors { code } } }`,
      { id: order.id },
      admin.headers,
    );
    expect(shipped.data?.shipOrder.order).toEqual({ status: "SHIPPED", carrier: "DHL", trackingNumber: "JD0001" });
    const lateCancel = await stack.query<{ cancelOrder: { order: null; userErrors: Errors } }>(
      "mutation($id: ID!) { cancelOrder(id: $id) { order { status } userErrors { code message } } }",
      { id: order.id },
      customer.headers,
    );
    expect(lateCancel.data?.cancelOrder.userErrors[0]?.code).toBe("FORBIDDEN");
    const delivered = await stack.query<{
      markOrderDelivered: { order: { status: string; statusHistory: { from: string | null; to: string }[] } };
    }>(
      "mutation($id: ID!) { markOrderDelivered(id: $id) { order { status statusHistory { from to } } userErrors { code } } }",
      { id: order.id },
      admin.headers,
    );
    expect(delivered.data?.markOrderDelivered.order.statusHistory.map((c) => `${c.from}>${c.to}`)).toEqual([
      "null>PENDING_PAYMENT",
      "PENDING_PAYMENT>PAID",
      "PAID>SHIPPED",
      "SHIPPED>DELIVERED",
    ]);
    const history = await stack.query<{ me: { orders: { totalCount: number; nodes: { id: string }[] } } }>(
      "{ me { orders(first: 5) { totalCount nodes { id } } } }",
      {},
      customer.headers,
    );
    expect(history.data?.me.orders).toEqual({ totalCount: 1, nodes: [{ id: order.id }] });
  });

  it("lets a guest check out with an email and read the order with its access token only", async () => {
    const variant = await product("GUEST-1", 2000, 3);
    const cartId = await cartWith([{ variantId: variant, quantity: 1 }]);
    const placed = await checkout({
      cartId,
      email: "Guest@Example.com",
      shippingAddress: { ...ADDRESS, country: "US" },
      idempotencyKey: "g-1",
    });
    expect(placed.userErrors).toEqual([]);
    expect(placed.order?.email).toBe("guest@example.com");
    expect(placed.order?.shipping.amount).toBe(599);
    const token = placed.orderAccessToken as string;
    expect(token).toBeTruthy();
    const read = (accessToken?: string, headers?: Record<string, string>) =>
      stack.query<{ order: { id: string; payment: { clientSecret: string | null } | null } | null }>(
        "query($id: ID!, $t: String) { order(id: $id, accessToken: $t) { id payment { clientSecret } } }",
        { id: placed.order?.id, t: accessToken },
        headers,
      );
    expect((await read(token)).data?.order?.payment?.clientSecret).toBeTruthy();
    expect((await read()).data?.order).toBeNull();
    expect((await read(`${token}x`)).data?.order).toBeNull();
    const stranger = await stack.signUp("Stranger");
    expect((await read(undefined, stranger.headers)).data?.order).toBeNull();
    const repeat = await checkout({
      cartId,
      email: "guest@example.com",
      shippingAddress: ADDRESS,
      idempotencyKey: "g-1",
    });
    expect(repeat.order?.id).toBe(placed.order?.id);
    expect(repeat.orderAccessToken).toBe(token);
  });
});

describe("checkout under concurrency", () => {
  it("makes one order and one payment from 10 concurrent submissions of one key", async () => {
    const customer = await stack.signUp("Impatient");
    const variant = await product("IDEM-1", 1000, 10);
    const cartId = await cartWith([{ variantId: variant, quantity: 1 }], customer.headers);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        checkout({ cartId, shippingAddress: ADDRESS, idempotencyKey: "same-key" }, customer.headers),
      ),
    );
    const ids = new Set(results.map((r) => r.order?.id));
    expect(results.every((r) => r.userErrors.length === 0)).toBe(true);
    expect(ids.size).toBe(1);
    const paymentsDb = stack.subgraphs.payments?.database.db;
    if (!paymentsDb) throw new Error("no payments");
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from payments.payment where order_id = ${[...ids][0]}`.execute(paymentsDb);
    expect(rows[0]?.n).toBe(1);
    expect(await available(variant)).toEqual({ onHand: 10, reserved: 1 });
  });

  it("sells exactly the stock when customers race for the last units", async () => {
    const variant = await product("LAST-1", 500, 3);
    const buyers = await Promise.all(Array.from({ length: 6 }, (_, i) => stack.signUp(`Racer ${i}`)));
    const carts = await Promise.all(buyers.map((b) => cartWith([{ variantId: variant, quantity: 1 }], b.headers)));
    const results = await Promise.all(
      buyers.map((b, i) =>
        checkout({ cartId: carts[i], shippingAddress: ADDRESS, idempotencyKey: `race-${i}` }, b.headers),
      ),
    );
    expect(results.filter((r) => r.order !== null)).toHaveLength(3);
    const refused = results.filter((r) => r.order === null);
    expect(refused).toHaveLength(3);
    expect(refused.every((r) => r.userErrors[0]?.code === "OUT_OF_STOCK")).toBe(true);
    expect(await available(variant)).toEqual({ onHand: 3, reserved: 3 });
  });
});

describe("the cart during checkout", () => {
  it("is closed by the checkout itself: no late line, no second order from it, the next cart is new", async () => {
    const customer = await stack.signUp("Quick fingers");
    const variant = await product("FAST-1", 300, 20);
    const cartId = await cartWith([{ variantId: variant, quantity: 2 }], customer.headers);
    const placed = await checkout({ cartId, shippingAddress: ADDRESS, idempotencyKey: "fast-1" }, customer.headers);
    expect(placed.userErrors).toEqual([]);
    // At once, whether or not order.placed has been handled yet.
    const late = await stack.query<{ addCartLines: { userErrors: Errors } }>(
      "mutation($id: ID!, $v: ID!) { addCartLines(cartId: $id, lines: [{ variantId: $v, quantity: 1 }]) { userErrors { code field message } } }",
      { id: cartId, v: variant },
      customer.headers,
    );
    expect(late.data?.addCartLines.userErrors[0]?.code).toBe("ILLEGAL_STATE");
    const second = await checkout({ cartId, shippingAddress: ADDRESS, idempotencyKey: "fast-2" }, customer.headers);
    expect(second.userErrors[0]?.code).toBe("CART_NOT_OPEN");
    const next = await cartWith([{ variantId: variant, quantity: 1 }], customer.headers);
    expect(next).not.toBe(cartId);
    expect(await available(variant)).toEqual({ onHand: 20, reserved: 2 });
  });

  it("makes one order from concurrent checkouts of one cart with different keys", async () => {
    // A guest (sign-ups are rate limited per address, and this file makes many).
    const variant = await product("TWICE-1", 400, 20);
    const cartId = await cartWith([{ variantId: variant, quantity: 1 }]);
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        checkout({ cartId, email: "twice@example.com", shippingAddress: ADDRESS, idempotencyKey: `twice-${i}` }),
      ),
    );
    expect(results.filter((r) => r.order !== null)).toHaveLength(1);
    expect(results.filter((r) => r.order === null).every((r) => r.userErrors[0]?.code === "CART_NOT_OPEN")).toBe(true);
    expect(await available(variant)).toEqual({ onHand: 20, reserved: 1 });
  });
});

describe("compensation", () => {
  it("releases the stock and leaves no order when payments are down", async () => {
    const customer = await stack.signUp("Unlucky");
    const variant = await product("DOWN-1", 700, 4);
    const cartId = await cartWith([{ variantId: variant, quantity: 2 }], customer.headers);
    const before = await countRows("order");
    const paymentsUrl = stack.env.PAYMENTS_URL as string;
    stack.env.PAYMENTS_URL = "http://127.0.0.1:9/graphql";
    try {
      const result = await checkout({ cartId, shippingAddress: ADDRESS, idempotencyKey: "down-1" }, customer.headers);
      expect(result.order).toBeNull();
      expect(result.userErrors[0]?.code).toBe("PAYMENT_UNAVAILABLE");
    } finally {
      stack.env.PAYMENTS_URL = paymentsUrl;
    }
    expect(await available(variant)).toEqual({ onHand: 4, reserved: 0 });
    expect(await countRows("order")).toBe(before);
    expect(await cartStatus(cartId)).toBe("OPEN");
    // Cancelling the payment could not reach payments either: that undo waits for the sweep.
    expect(await countRows("checkout_undo")).toBe(1);
    expect(await stack.subgraphs.orders?.services.sweepAbandoned()).toBe(1);
    expect(await countRows("checkout_undo")).toBe(0);
    // The key is free again: the same attempt succeeds once payments are back.
    const retry = await checkout({ cartId, shippingAddress: ADDRESS, idempotencyKey: "down-1" }, customer.headers);
    expect(retry.userErrors).toEqual([]);
    expect(await available(variant)).toEqual({ onHand: 4, reserved: 2 });
  });

  it("reserves nothing and writes nothing when catalog refuses", async () => {
    const customer = await stack.signUp("Greedy");
    const variant = await product("SHORT-1", 700, 1);
    const cartId = await cartWith([{ variantId: variant, quantity: 1 }], customer.headers);
    await stack.query(
      `mutation($v: ID!) { adjustStock(variantId: $v, delta: -1) { userErrors { code } } }`,
      { v: variant },
      admin.headers,
    );
    const before = await countRows("order");
    const result = await checkout({ cartId, shippingAddress: ADDRESS, idempotencyKey: "short-1" }, customer.headers);
    expect(result.userErrors).toEqual([expect.objectContaining({ code: "OUT_OF_STOCK" })]);
    expect(await countRows("order")).toBe(before);
    expect(await available(variant)).toEqual({ onHand: 0, reserved: 0 });
  });

  it("undoes a checkout abandoned mid-way (a crash): stock released, cart reopened, key free", async () => {
    const variant = await product("CRASH-1", 800, 5);
    const cartId = await cartWith([{ variantId: variant, quantity: 2 }]);
    const running = stack.subgraphs.orders;
    if (!running) throw new Error("no orders");
    const db = running.database.db;
    // What a checkout that died after closing the cart and reserving stock leaves: its claim, and effects elsewhere.
    const orderId = randomUUID();
    await sql`insert into orders.checkout_claim (scope, idempotency_key, cart_id, order_id, created_at)
      values (${`guest:${cartId}`}, 'crash-1', ${cartId}, ${orderId}, now() - interval '10 minutes')`.execute(db);
    const services = new Services(
      new InternalClient({
        service: "orders",
        secret: stack.env.INTERNAL_SECRET as string,
        log: createLogger("test", "silent"),
        env: stack.env,
      }),
    );
    const closed = await services.checkOutCart(cartId, orderId, null, { requestId: "test" });
    expect(closed?.status).toBe("CONVERTED");
    await services.reserve(orderId, [{ variantId: variant, quantity: 2 }], { requestId: "test" });
    expect(await available(variant)).toEqual({ onHand: 5, reserved: 2 });

    // A claim a running attempt holds is left alone, however old.
    const holder = await db.connection().execute(async (connection) => {
      await sql`begin`.execute(connection);
      await sql`select 1 from orders.checkout_claim where order_id = ${orderId} for update`.execute(connection);
      const swept = await running.services.sweepAbandoned();
      await sql`rollback`.execute(connection);
      return swept;
    });
    expect(holder).toBe(0);

    expect(await running.services.sweepAbandoned()).toBe(1);
    expect(await available(variant)).toEqual({ onHand: 5, reserved: 0 });
    expect(await cartStatus(cartId)).toBe("OPEN");
    expect(await countRows("checkout_undo")).toBe(0);
    expect(await running.services.sweepAbandoned()).toBe(0);
    const retry = await checkout({
      cartId,
      email: "crash@example.com",
      shippingAddress: ADDRESS,
      idempotencyKey: "crash-1",
    });
    expect(retry.userErrors).toEqual([]);
    expect(retry.order?.id).not.toBe(orderId);
    expect(await available(variant)).toEqual({ onHand: 5, reserved: 2 });
  });

  it("never undoes an order that committed (a commit whose answer was lost)", async () => {
    const variant = await product("LOST-1", 500, 3);
    const cartId = await cartWith([{ variantId: variant, quantity: 1 }]);
    const input = { cartId, email: "lost@example.com", shippingAddress: ADDRESS, idempotencyKey: "lost-1" };
    const placed = await checkout(input);
    const orderId = placed.order?.id as string;
    const db = stack.subgraphs.orders?.database.db as Kysely<OrdersDatabase> | undefined;
    if (!db) throw new Error("no orders");
    const undos = await countRows("checkout_undo");
    expect(await db.transaction().execute((trx) => retireClaim(trx, { orderId, cartId }))).toBe(false);
    expect(await countRows("checkout_undo")).toBe(undos);
    expect((await checkout(input)).order?.id).toBe(orderId);
    expect(await available(variant)).toEqual({ onHand: 3, reserved: 1 });
  });

  it("cancels orders left unpaid past the timeout and releases their stock", async () => {
    const customer = await stack.signUp("Forgetful");
    const variant = await product("LATE-1", 700, 2);
    const cartId = await cartWith([{ variantId: variant, quantity: 2 }], customer.headers);
    const placed = await checkout({ cartId, shippingAddress: ADDRESS, idempotencyKey: "late-1" }, customer.headers);
    const ordersDb = stack.subgraphs.orders?.database.db;
    if (!ordersDb) throw new Error("no orders");
    await sql`update orders."order" set placed_at = now() - interval '2 minutes' where id = ${placed.order?.id}`.execute(
      ordersDb,
    );
    expect(await stack.subgraphs.orders?.services.sweepUnpaid()).toBeGreaterThanOrEqual(1);
    expect(await orderStatus(placed.order?.id as string, customer.headers)).toBe("CANCELLED");
    await eventually(
      () => available(variant),
      (a) => a.reserved === 0,
    );
  });
});

describe("bad input", () => {
  let customer: Session;
  let variant: string;
  beforeAll(async () => {
    customer = await stack.signUp("Careless");
    variant = await product("BAD-1", 100, 50);
  });

  it.each([
    [{ shippingAddress: { ...ADDRESS, country: "XX" } }, "INVALID_INPUT"],
    [{}, "ADDRESS_REQUIRED"],
    [{ shippingAddress: ADDRESS, idempotencyKey: "" }, "INVALID_INPUT"],
    [{ shippingAddress: ADDRESS, idempotencyKey: "k".repeat(256) }, "INVALID_INPUT"],
    [{ addressId: "00000000-0000-4000-8000-000000000000" }, "NOT_FOUND"],
  ])("refuses %j with %s and writes nothing", async (extra, code) => {
    const cartId = await cartWith([{ variantId: variant, quantity: 1 }], customer.headers);
    const before = await countRows("order");
    const result = await checkout({ cartId, idempotencyKey: `bad-${Math.random()}`, ...extra }, customer.headers);
    expect(result.order).toBeNull();
    expect(result.userErrors[0]?.code).toBe(code);
    expect(await countRows("order")).toBe(before);
    expect((await available(variant)).reserved).toBe(0);
  });

  it("refuses an empty cart, someone else's cart, guests without a valid email, and a reused key", async () => {
    const newcomer = await stack.signUp("Newcomer");
    const empty = await cartWith([], newcomer.headers);
    expect(
      (await checkout({ cartId: empty, shippingAddress: ADDRESS, idempotencyKey: "e-1" }, newcomer.headers))
        .userErrors[0]?.code,
    ).toBe("CART_EMPTY");
    const other = await stack.signUp("Other");
    const theirs = await cartWith([{ variantId: variant, quantity: 1 }], other.headers);
    expect(
      (await checkout({ cartId: theirs, shippingAddress: ADDRESS, idempotencyKey: "o-1" }, customer.headers))
        .userErrors[0]?.code,
    ).toBe("NOT_FOUND");
    const guestCart = await cartWith([{ variantId: variant, quantity: 1 }]);
    expect(
      (await checkout({ cartId: guestCart, shippingAddress: ADDRESS, idempotencyKey: "g-0" })).userErrors[0]?.code,
    ).toBe("EMAIL_REQUIRED");
    expect(
      (await checkout({ cartId: guestCart, email: "not-mail", shippingAddress: ADDRESS, idempotencyKey: "g-00" }))
        .userErrors[0]?.code,
    ).toBe("INVALID_EMAIL");
    const mine = await cartWith([{ variantId: variant, quantity: 1 }], customer.headers);
    await checkout({ cartId: mine, shippingAddress: ADDRESS, idempotencyKey: "reused" }, customer.headers);
    // Checkout closed that cart: the customer's next cart is a new one, at once.
    const another = await cartWith([{ variantId: variant, quantity: 1 }], customer.headers);
    expect(another).not.toBe(mine);
    expect(
      (await checkout({ cartId: another, shippingAddress: ADDRESS, idempotencyKey: "reused" }, customer.headers))
        .userErrors[0]?.code,
    ).toBe("IDEMPOTENCY_CONFLICT");
  });

  it("refuses illegal transitions with ILLEGAL_STATE naming both states", async () => {
    const own = await product("ILL-1", 100, 5);
    const buyer = await stack.signUp("Transitions");
    const customer = buyer;
    const variant = own;
    const cartId = await cartWith([{ variantId: variant, quantity: 1 }], customer.headers);
    const placed = await checkout({ cartId, shippingAddress: ADDRESS, idempotencyKey: "ill-1" }, customer.headers);
    const ship = await stack.query<{ shipOrder: { userErrors: Errors } }>(
      `mutation($id: ID!) { shipOrder(input: { orderId: $id, carrier: "UPS", trackingNumber: "1Z" }) { order { id } userErrors { code message } } }`,
      { id: placed.order?.id },
      admin.headers,
    );
    expect(ship.data?.shipOrder.userErrors[0]).toMatchObject({
      code: "ILLEGAL_STATE",
      message: expect.stringMatching(/PENDING_PAYMENT.*SHIPPED/),
    });
    const shipByCustomer = await stack.query(
      `mutation($id: ID!) { shipOrder(input: { orderId: $id, carrier: "UPS", trackingNumber: "1Z" }) { order { id } } }`,
      { id: placed.order?.id },
      customer.headers,
    );
    expect(shipByCustomer.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const stranger = await stack.signUp("Nosy");
    const cancelOther = await stack.query<{ cancelOrder: { userErrors: Errors } }>(
      "mutation($id: ID!) { cancelOrder(id: $id) { order { id } userErrors { code } } }",
      { id: placed.order?.id },
      stranger.headers,
    );
    expect(cancelOther.data?.cancelOrder.userErrors[0]?.code).toBe("NOT_FOUND");
    const cancel = await stack.query<{ cancelOrder: { order: { status: string } } }>(
      'mutation($id: ID!) { cancelOrder(id: $id, reason: "changed my mind") { order { status } userErrors { code } } }',
      { id: placed.order?.id },
      customer.headers,
    );
    expect(cancel.data?.cancelOrder.order.status).toBe("CANCELLED");
    await eventually(
      () => available(variant),
      (a) => a.reserved === 0,
    );
    const twice = await stack.query<{ cancelOrder: { userErrors: Errors } }>(
      "mutation($id: ID!) { cancelOrder(id: $id) { order { id } userErrors { code } } }",
      { id: placed.order?.id },
      customer.headers,
    );
    expect(twice.data?.cancelOrder.userErrors[0]?.code).toBe("ILLEGAL_STATE");
  });

  it("lists orders: customers their own, admins all and by customer", async () => {
    const mine = await stack.query<{ orders: { totalCount: number } }>(
      "{ orders(first: 50) { totalCount } }",
      {},
      customer.headers,
    );
    const all = await stack.query<{ orders: { totalCount: number } }>(
      "{ orders(first: 50) { totalCount } }",
      {},
      admin.headers,
    );
    expect(mine.data?.orders.totalCount).toBeGreaterThan(0);
    expect(all.data?.orders.totalCount).toBeGreaterThanOrEqual(mine.data?.orders.totalCount ?? 0);
    expect(all.data?.orders.totalCount).toBe(await countRows("order"));
    const filtered = await stack.query<{ orders: { totalCount: number } }>(
      "query($c: ID) { orders(first: 50, filter: { customerId: $c }) { totalCount } }",
      { c: customer.userId },
      admin.headers,
    );
    expect(filtered.data?.orders.totalCount).toBe(mine.data?.orders.totalCount);
    expect((await stack.query("{ orders(first: 5) { totalCount } }")).errors?.[0]?.extensions?.code).toBe(
      "UNAUTHENTICATED",
    );
  });
});
