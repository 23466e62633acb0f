import { randomUUID } from "node:crypto";
import { catalog } from "@retailer/catalog";
import { createLogger, InternalClient, SIGNATURE_HEADER, signRequest } from "@retailer/kit";
import { type GraphQLResponse, type Session, type Stack, startStack } from "@retailer/testing";
import { users } from "@retailer/users";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cart } from "../src/index.js";

let stack: Stack;
let admin: Session;
let internal: InternalClient;
const v = {} as Record<"teeS" | "teeM" | "mug" | "lamp" | "draft", string>;
let lampProduct: string;
/** 105 variants of ACTIVE products, 10 of each in stock: for carts of many lines. */
let bulk: string[] = [];

type Errors = { code: string; field: string[] | null; message: string }[];
type CartView = {
  id: string;
  totalQuantity: number;
  subtotal: { amount: number; currencyCode: string };
  updatedAt: string;
  lines: {
    id: string;
    quantity: number;
    unitPrice: { amount: number; currencyCode: string };
    lineTotal: { amount: number; currencyCode: string };
    variant: { id: string; sku: string; inStock: boolean; availableQuantity: number };
  }[];
};
type CartPayload = { cart: CartView | null; userErrors: Errors };

const CART = `id totalQuantity subtotal { amount currencyCode } updatedAt
  lines { id quantity unitPrice { amount currencyCode } lineTotal { amount currencyCode } variant { id sku inStock availableQuantity } }`;
const PAYLOAD = `cart { ${CART} } userErrors { code field message }`;

const headersOf = (session?: Session) => session?.headers ?? {};

async function mutation(
  name: string,
  signature: string,
  args: string,
  variables: Record<string, unknown>,
  who?: Session,
): Promise<GraphQLResponse<Record<string, CartPayload>>> {
  return stack.query<Record<string, CartPayload>>(
    `mutation(${signature}) { ${name}(${args}) { ${PAYLOAD} } }`,
    variables,
    headersOf(who),
  );
}

async function ok(result: GraphQLResponse<Record<string, CartPayload>>): Promise<CartView> {
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  const payload = Object.values(result.data ?? {})[0];
  expect(payload?.userErrors).toEqual([]);
  return payload?.cart as CartView;
}

const errorsOf = (result: GraphQLResponse<Record<string, CartPayload>>): Errors => {
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  const payload = Object.values(result.data ?? {})[0];
  expect(payload?.cart).toBeNull();
  return payload?.userErrors ?? [];
};

type Line = { variantId: string; quantity: number };
const createCart = (lines: Line[] | undefined, who?: Session) =>
  lines === undefined
    ? stack.query<Record<string, CartPayload>>(`mutation { createCart { ${PAYLOAD} } }`, {}, headersOf(who))
    : mutation("createCart", "$lines: [CartLineInput!]", "lines: $lines", { lines }, who);
const addLines = (cartId: string, lines: Line[], who?: Session) =>
  mutation(
    "addCartLines",
    "$id: ID!, $lines: [CartLineInput!]!",
    "cartId: $id, lines: $lines",
    { id: cartId, lines },
    who,
  );
const updateLines = (cartId: string, lines: { lineId: string; quantity: number }[], who?: Session) =>
  mutation(
    "updateCartLines",
    "$id: ID!, $lines: [CartLineUpdateInput!]!",
    "cartId: $id, lines: $lines",
    { id: cartId, lines },
    who,
  );
const removeLines = (cartId: string, lineIds: string[], who?: Session) =>
  mutation(
    "removeCartLines",
    "$id: ID!, $ids: [ID!]!",
    "cartId: $id, lineIds: $ids",
    { id: cartId, ids: lineIds },
    who,
  );
const assign = (cartId: string, who?: Session) =>
  mutation("assignCartToMe", "$id: ID!", "cartId: $id", { id: cartId }, who);

/** Straight to the cart subgraph, signed as the router signs, with the given headers. */
async function direct<T = Record<string, unknown>>(
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string>,
): Promise<GraphQLResponse<T>> {
  const url = new URL(stack.subgraphs.cart?.url as string);
  const body = JSON.stringify({ query, variables });
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      [SIGNATURE_HEADER]: signRequest(stack.env.INTERNAL_SECRET as string, {
        method: "POST",
        path: url.pathname + url.search,
        body,
      }),
      ...headers,
    },
    body,
  });
  return (await response.json()) as GraphQLResponse<T>;
}

async function readCart(id: string, who?: Session): Promise<CartView | null> {
  const result = await stack.query<{ cart: CartView | null }>(
    `query($id: ID!) { cart(id: $id) { ${CART} } }`,
    { id },
    headersOf(who),
  );
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data?.cart ?? null;
}

async function myCart(who: Session): Promise<CartView | null> {
  const result = await stack.query<{ me: { cart: CartView | null } }>(`{ me { cart { ${CART} } } }`, {}, who.headers);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data?.me.cart ?? null;
}

const cartDb = (): Kysely<unknown> => {
  const db = stack.subgraphs.cart?.database.db;
  if (!db) throw new Error("no cart subgraph");
  return db as Kysely<unknown>;
};

/** Every cart and line as stored, to prove a refused change wrote nothing. */
async function snapshot(): Promise<unknown[]> {
  const { rows } = await sql`
    select c.id, c.customer_id, c.status, c.updated_at, l.id as line_id, l.variant_id, l.quantity
    from cart.cart c left join cart.cart_line l on l.cart_id = c.id order by c.id, l.position`.execute(cartDb());
  return rows;
}

async function expectNothingWritten(run: () => Promise<void>): Promise<void> {
  const before = await snapshot();
  await run();
  expect(await snapshot()).toEqual(before);
}

const quantities = (c: CartView | null) => Object.fromEntries((c?.lines ?? []).map((l) => [l.variant.sku, l.quantity]));

async function createProduct(input: Record<string, unknown>): Promise<{ id: string; variants: { id: string }[] }> {
  const result = await stack.query<{
    createProduct: { product: { id: string; variants: { id: string }[] } | null; userErrors: Errors };
  }>(
    "mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id variants { id } } userErrors { code field message } } }",
    { input },
    admin.headers,
  );
  const product = result.data?.createProduct.product;
  if (!product) throw new Error(JSON.stringify(result));
  return product;
}

beforeAll(async () => {
  stack = await startStack([users, catalog, cart]);
  admin = await stack.admin();
  internal = new InternalClient({
    service: "orders",
    secret: stack.env.INTERNAL_SECRET as string,
    log: createLogger("test", "silent"),
    env: stack.env,
  });
  const tee = await createProduct({
    name: "Cotton Tee",
    status: "ACTIVE",
    variants: [
      { sku: "TEE-S", name: "S", price: 2000, stockOnHand: 500 },
      { sku: "TEE-M", name: "M", price: 2500, stockOnHand: 3 },
    ],
  });
  v.teeS = tee.variants[0]?.id as string;
  v.teeM = tee.variants[1]?.id as string;
  v.mug = (
    await createProduct({
      name: "Mug",
      status: "ACTIVE",
      variants: [{ sku: "MUG", name: "White", price: 1200, stockOnHand: 100 }],
    })
  ).variants[0]?.id as string;
  const lamp = await createProduct({
    name: "Desk Lamp",
    status: "ACTIVE",
    variants: [{ sku: "LAMP", name: "Brass", price: 5000, stockOnHand: 10 }],
  });
  lampProduct = lamp.id;
  v.lamp = lamp.variants[0]?.id as string;
  v.draft = (
    await createProduct({
      name: "Unreleased",
      status: "DRAFT",
      variants: [{ sku: "DRAFT", name: "One", price: 900, stockOnHand: 5 }],
    })
  ).variants[0]?.id as string;
  const variants = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => ({
      sku: `${prefix}-${String(i).padStart(3, "0")}`,
      name: `No. ${i}`,
      price: 100 + i,
      stockOnHand: 10,
    }));
  const many = await createProduct({ name: "Sticker Pack", status: "ACTIVE", variants: variants("STK", 100) });
  const more = await createProduct({ name: "Badge Pack", status: "ACTIVE", variants: variants("BDG", 5) });
  bulk = [...many.variants, ...more.variants].map((x) => x.id);
}, 120_000);
afterAll(() => stack?.stop());

describe("createCart", () => {
  it("makes a guest cart with lines at current catalog prices, variants resolved by catalog", async () => {
    const created = await ok(
      await createCart([
        { variantId: v.teeS, quantity: 2 },
        { variantId: v.mug, quantity: 1 },
      ]),
    );
    expect(created.totalQuantity).toBe(3);
    expect(created.subtotal).toEqual({ amount: 5200, currencyCode: "USD" });
    expect(created.lines.map((l) => [l.variant.sku, l.quantity, l.unitPrice.amount, l.lineTotal.amount])).toEqual([
      ["TEE-S", 2, 2000, 4000],
      ["MUG", 1, 1200, 1200],
    ]);
    expect(created.lines[0]?.variant).toMatchObject({ id: v.teeS, inStock: true, availableQuantity: 500 });
    // Anyone holding the id of a guest cart reaches it.
    expect((await readCart(created.id))?.id).toBe(created.id);
    const { rows } = await sql<{
      customer_id: string | null;
    }>`select customer_id from cart.cart where id = ${created.id}`.execute(cartDb());
    expect(rows[0]?.customer_id).toBeNull();
  });

  it("makes an empty cart without lines, subtotal 0 in the shop's currency", async () => {
    const empty = await ok(await createCart(undefined));
    expect(empty).toMatchObject({ lines: [], totalQuantity: 0, subtotal: { amount: 0, currencyCode: "USD" } });
  });

  it("assigns a signed-in customer's cart to them; a second createCart adds to that open cart", async () => {
    const customer = await stack.signUp("Carla");
    expect(await myCart(customer)).toBeNull();
    const first = await ok(await createCart([{ variantId: v.teeS, quantity: 1 }], customer));
    expect((await myCart(customer))?.id).toBe(first.id);
    // Not reachable by anyone else now.
    expect(await readCart(first.id)).toBeNull();
    const second = await ok(
      await createCart(
        [
          { variantId: v.teeS, quantity: 2 },
          { variantId: v.mug, quantity: 1 },
        ],
        customer,
      ),
    );
    expect(second.id).toBe(first.id);
    expect(quantities(second)).toEqual({ "TEE-S": 3, MUG: 1 });
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from cart.cart where customer_id = ${customer.userId} and status = 'OPEN'`.execute(
      cartDb(),
    );
    expect(rows[0]?.n).toBe(1);
  });

  it("gives a customer one open cart even when createCart runs concurrently", async () => {
    const customer = await stack.signUp("Hasty");
    const results = await Promise.all(
      Array.from({ length: 6 }, () => createCart([{ variantId: v.mug, quantity: 1 }], customer)),
    );
    const carts = await Promise.all(results.map(ok));
    expect(new Set(carts.map((c) => c.id)).size).toBe(1);
    expect(quantities(await readCart(carts[0]?.id as string, customer))).toEqual({ MUG: 6 });
  });

  it("makes an admin's cart a guest cart", async () => {
    const created = await ok(await createCart([], admin));
    const { rows } = await sql<{
      customer_id: string | null;
    }>`select customer_id from cart.cart where id = ${created.id}`.execute(cartDb());
    expect(rows[0]?.customer_id).toBeNull();
  });

  it("refuses bad lines and writes nothing, not even the cart", async () => {
    const customer = await stack.signUp("Careful");
    await expectNothingWritten(async () => {
      expect(errorsOf(await createCart([{ variantId: v.teeS, quantity: 0 }]))).toEqual([
        expect.objectContaining({ code: "INVALID_INPUT", field: ["lines", "0", "quantity"] }),
      ]);
      expect(
        errorsOf(
          await createCart(
            [
              { variantId: v.teeS, quantity: 1 },
              { variantId: v.draft, quantity: 1 },
            ],
            customer,
          ),
        ),
      ).toEqual([expect.objectContaining({ code: "VARIANT_UNAVAILABLE", field: ["lines", "1", "variantId"] })]);
      const tooMany = bulk.slice(0, 101).map((variantId) => ({ variantId, quantity: 1 }));
      expect(tooMany).toHaveLength(101);
      expect(errorsOf(await createCart(tooMany))).toEqual([
        expect.objectContaining({ code: "TOO_MANY_LINES", field: ["lines"] }),
      ]);
    });
    expect(await myCart(customer)).toBeNull();
  });
});

describe("addCartLines", () => {
  it("adds to the line of a variant already in the cart, and appends new variants in order", async () => {
    const created = await ok(await createCart([{ variantId: v.teeS, quantity: 1 }]));
    const updated = await ok(
      await addLines(created.id, [
        { variantId: v.mug, quantity: 2 },
        { variantId: v.teeS, quantity: 3 },
        { variantId: v.mug, quantity: 1 },
      ]),
    );
    expect(updated.lines.map((l) => [l.variant.sku, l.quantity])).toEqual([
      ["TEE-S", 4],
      ["MUG", 3],
    ]);
    expect(updated.lines[0]?.id).toBe(created.lines[0]?.id);
    expect(updated.totalQuantity).toBe(7);
    expect(updated.subtotal.amount).toBe(4 * 2000 + 3 * 1200);
    expect(new Date(updated.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(created.updatedAt).getTime());
  });

  it.each([0, 100, -1])("refuses quantity %i with INVALID_INPUT at the field, writing nothing", async (quantity) => {
    const created = await ok(await createCart([{ variantId: v.teeS, quantity: 1 }]));
    await expectNothingWritten(async () => {
      expect(
        errorsOf(
          await addLines(created.id, [
            { variantId: v.mug, quantity: 1 },
            { variantId: v.teeS, quantity },
          ]),
        ),
      ).toEqual([expect.objectContaining({ code: "INVALID_INPUT", field: ["lines", "1", "quantity"] })]);
    });
  });

  it("refuses a quantity beyond GraphQL's Int (2^31) before it reaches the cart", async () => {
    const created = await ok(await createCart([]));
    await expectNothingWritten(async () => {
      const result = await addLines(created.id, [{ variantId: v.teeS, quantity: 2 ** 31 }]);
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    });
  });

  it("refuses unknown, malformed and unpurchasable variants with the field path", async () => {
    const created = await ok(await createCart([{ variantId: v.teeS, quantity: 1 }]));
    await expectNothingWritten(async () => {
      expect(errorsOf(await addLines(created.id, [{ variantId: randomUUID(), quantity: 1 }]))).toEqual([
        { code: "NOT_FOUND", field: ["lines", "0", "variantId"], message: "No such variant." },
      ]);
      expect(errorsOf(await addLines(created.id, [{ variantId: "not-a-variant", quantity: 1 }]))).toEqual([
        { code: "NOT_FOUND", field: ["lines", "0", "variantId"], message: "No such variant." },
      ]);
      expect(errorsOf(await addLines(created.id, [{ variantId: v.draft, quantity: 1 }]))).toEqual([
        expect.objectContaining({ code: "VARIANT_UNAVAILABLE", field: ["lines", "0", "variantId"] }),
      ]);
      expect(errorsOf(await addLines(created.id, []))).toEqual([
        expect.objectContaining({ code: "INVALID_INPUT", field: ["lines"] }),
      ]);
    });
  });

  it("refuses more than is available with OUT_OF_STOCK naming the available quantity", async () => {
    const created = await ok(await createCart([{ variantId: v.teeM, quantity: 2 }]));
    await expectNothingWritten(async () => {
      const [error] = errorsOf(await addLines(created.id, [{ variantId: v.teeM, quantity: 2 }]));
      expect(error).toMatchObject({ code: "OUT_OF_STOCK", field: ["lines", "0", "quantity"] });
      expect(error?.message).toContain("Only 3 ");
      expect(error?.message).toContain("would hold 4");
    });
    expect(quantities(await ok(await addLines(created.id, [{ variantId: v.teeM, quantity: 1 }])))).toEqual({
      "TEE-M": 3,
    });
  });

  it("caps a line at 99, also when one input names a variant twice", async () => {
    const created = await ok(await createCart([{ variantId: v.teeS, quantity: 98 }]));
    await expectNothingWritten(async () => {
      expect(errorsOf(await addLines(created.id, [{ variantId: v.teeS, quantity: 2 }]))).toEqual([
        expect.objectContaining({ code: "QUANTITY_LIMIT", field: ["lines", "0", "quantity"] }),
      ]);
      expect(
        errorsOf(
          await addLines(created.id, [
            { variantId: v.mug, quantity: 50 },
            { variantId: v.mug, quantity: 50 },
          ]),
        ),
      ).toEqual([expect.objectContaining({ code: "QUANTITY_LIMIT", field: ["lines", "1", "quantity"] })]);
    });
    expect(quantities(await ok(await addLines(created.id, [{ variantId: v.teeS, quantity: 1 }])))).toEqual({
      "TEE-S": 99,
    });
  });

  it("refuses an unknown or malformed cart id with NOT_FOUND", async () => {
    for (const id of [randomUUID(), "nope"]) {
      expect(errorsOf(await addLines(id, [{ variantId: v.teeS, quantity: 1 }]))).toEqual([
        { code: "NOT_FOUND", field: ["cartId"], message: "No such cart." },
      ]);
    }
  });

  it("holds at most 100 lines", async () => {
    const full = await ok(await createCart(bulk.slice(0, 100).map((variantId) => ({ variantId, quantity: 1 }))));
    expect(full.lines).toHaveLength(100);
    await expectNothingWritten(async () => {
      expect(errorsOf(await addLines(full.id, [{ variantId: bulk[100] as string, quantity: 1 }]))).toEqual([
        expect.objectContaining({ code: "TOO_MANY_LINES", field: ["lines"] }),
      ]);
      expect(
        errorsOf(
          await addLines(
            full.id,
            bulk.slice(0, 101).map((variantId) => ({ variantId, quantity: 1 })),
          ),
        ),
      ).toEqual([expect.objectContaining({ code: "TOO_MANY_LINES", field: ["lines"] })]);
    });
    // Adding to lines already there is fine.
    expect((await ok(await addLines(full.id, [{ variantId: bulk[0] as string, quantity: 1 }]))).totalQuantity).toBe(
      101,
    );
  });

  it("keeps counts right under 20 concurrent adds of the same variant", async () => {
    const created = await ok(await createCart([]));
    const results = await Promise.all(
      Array.from({ length: 20 }, () => addLines(created.id, [{ variantId: v.teeS, quantity: 1 }])),
    );
    for (const result of results) await ok(result);
    const after = await readCart(created.id);
    expect(after?.lines).toHaveLength(1);
    expect(after?.lines[0]?.quantity).toBe(20);
    expect(after?.totalQuantity).toBe(20);
  });
});

describe("updateCartLines and removeCartLines", () => {
  it("sets quantities, and 0 removes a line", async () => {
    const created = await ok(
      await createCart([
        { variantId: v.teeS, quantity: 1 },
        { variantId: v.mug, quantity: 5 },
      ]),
    );
    const [tee, mug] = created.lines;
    const updated = await ok(
      await updateLines(created.id, [
        { lineId: tee?.id as string, quantity: 7 },
        { lineId: mug?.id as string, quantity: 0 },
      ]),
    );
    expect(quantities(updated)).toEqual({ "TEE-S": 7 });
    expect(updated.subtotal.amount).toBe(14000);
    expect(quantities(await ok(await updateLines(created.id, [{ lineId: tee?.id as string, quantity: 2 }])))).toEqual({
      "TEE-S": 2,
    });
  });

  it("refuses bad updates and writes nothing", async () => {
    const created = await ok(
      await createCart([
        { variantId: v.teeS, quantity: 1 },
        { variantId: v.teeM, quantity: 1 },
      ]),
    );
    const other = await ok(await createCart([{ variantId: v.mug, quantity: 1 }]));
    const [tee, teeM] = created.lines.map((l) => l.id) as [string, string];
    const foreign = other.lines[0]?.id as string;
    await expectNothingWritten(async () => {
      for (const quantity of [100, -1]) {
        expect(errorsOf(await updateLines(created.id, [{ lineId: tee, quantity }]))).toEqual([
          expect.objectContaining({ code: "INVALID_INPUT", field: ["lines", "0", "quantity"] }),
        ]);
      }
      expect(
        errorsOf(
          await updateLines(created.id, [
            { lineId: tee, quantity: 5 },
            { lineId: foreign, quantity: 2 },
          ]),
        ),
      ).toEqual([{ code: "NOT_FOUND", field: ["lines", "1", "lineId"], message: "No such line in this cart." }]);
      expect(
        errorsOf(
          await updateLines(created.id, [
            { lineId: tee, quantity: 5 },
            { lineId: tee, quantity: 6 },
          ]),
        ),
      ).toEqual([expect.objectContaining({ code: "INVALID_INPUT", field: ["lines", "1", "lineId"] })]);
      const [short] = errorsOf(await updateLines(created.id, [{ lineId: teeM, quantity: 4 }]));
      expect(short).toMatchObject({ code: "OUT_OF_STOCK", field: ["lines", "0", "quantity"] });
      expect(short?.message).toContain("Only 3 ");
      expect(errorsOf(await updateLines(created.id, []))).toEqual([
        expect.objectContaining({ code: "INVALID_INPUT", field: ["lines"] }),
      ]);
    });
  });

  it("removes lines; an id that is not a line of this cart is NOT_FOUND and nothing is removed", async () => {
    const created = await ok(
      await createCart([
        { variantId: v.teeS, quantity: 1 },
        { variantId: v.mug, quantity: 1 },
      ]),
    );
    const other = await ok(await createCart([{ variantId: v.mug, quantity: 1 }]));
    const [tee, mug] = created.lines.map((l) => l.id) as [string, string];
    await expectNothingWritten(async () => {
      expect(errorsOf(await removeLines(created.id, [tee, other.lines[0]?.id as string]))).toEqual([
        { code: "NOT_FOUND", field: ["lineIds", "1"], message: "No such line in this cart." },
      ]);
      expect(errorsOf(await removeLines(created.id, ["x"]))).toEqual([
        expect.objectContaining({ code: "NOT_FOUND", field: ["lineIds", "0"] }),
      ]);
      expect(errorsOf(await removeLines(created.id, []))).toEqual([
        expect.objectContaining({ code: "INVALID_INPUT", field: ["lineIds"] }),
      ]);
    });
    expect(quantities(await ok(await removeLines(created.id, [mug])))).toEqual({ "TEE-S": 1 });
    expect((await ok(await removeLines(created.id, [tee]))).lines).toEqual([]);
  });
});

describe("ownership", () => {
  let owner: Session;
  let stranger: Session;
  let owned: CartView;

  beforeAll(async () => {
    owner = await stack.signUp("Owner");
    stranger = await stack.signUp("Stranger");
    owned = await ok(await createCart([{ variantId: v.mug, quantity: 1 }], owner));
  });

  it("shows an assigned cart to its customer and admins only; to others it looks missing", async () => {
    expect((await readCart(owned.id, owner))?.id).toBe(owned.id);
    expect((await readCart(owned.id, admin))?.id).toBe(owned.id);
    expect(await readCart(owned.id, stranger)).toBeNull();
    expect(await readCart(owned.id)).toBeNull();
    expect(await readCart(randomUUID(), stranger)).toBeNull();
    expect(await readCart("not-an-id")).toBeNull();
    expect(await myCart(stranger)).toBeNull();
  });

  it("answers others' changes exactly as for a missing cart, and writes nothing", async () => {
    const missing = randomUUID();
    await expectNothingWritten(async () => {
      for (const who of [stranger, undefined]) {
        const notFound = [{ code: "NOT_FOUND", field: ["cartId"], message: "No such cart." }];
        expect(errorsOf(await addLines(owned.id, [{ variantId: v.mug, quantity: 1 }], who))).toEqual(notFound);
        expect(errorsOf(await addLines(missing, [{ variantId: v.mug, quantity: 1 }], who))).toEqual(notFound);
        const line = owned.lines[0]?.id as string;
        expect(errorsOf(await updateLines(owned.id, [{ lineId: line, quantity: 3 }], who))).toEqual(notFound);
        expect(errorsOf(await updateLines(missing, [{ lineId: line, quantity: 3 }], who))).toEqual(notFound);
        expect(errorsOf(await removeLines(owned.id, [line], who))).toEqual(notFound);
        expect(errorsOf(await removeLines(missing, [line], who))).toEqual(notFound);
      }
      expect(errorsOf(await assign(owned.id, stranger))).toEqual(errorsOf(await assign(missing, stranger)));
    });
  });

  it("lets an admin change a customer's cart", async () => {
    expect(quantities(await ok(await addLines(owned.id, [{ variantId: v.mug, quantity: 1 }], admin)))).toEqual({
      MUG: 2,
    });
  });

  it("shows User.cart to the customer and admins only", async () => {
    expect((await myCart(owner))?.id).toBe(owned.id);
    // The router only offers me.cart; the subgraph's own check, asked for another user's entity:
    const cartOf = async (headers: Record<string, string>) =>
      (
        await direct<{ _entities: { cart: { id: string } | null }[] }>(
          "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { cart { id } } } }",
          { r: [{ __typename: "User", id: owner.userId }] },
          headers,
        )
      ).data?._entities[0]?.cart ?? null;
    expect(await cartOf(owner.headers)).toEqual({ id: owned.id });
    expect(await cartOf(admin.headers)).toEqual({ id: owned.id });
    expect(await cartOf(stranger.headers)).toBeNull();
    expect(await cartOf({})).toBeNull();
  });
});

describe("assignCartToMe", () => {
  it("needs a signed-in customer", async () => {
    const guest = await ok(await createCart([]));
    const result = await assign(guest.id);
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("makes a guest cart the customer's when they have no open cart", async () => {
    const customer = await stack.signUp("Newcomer");
    const guest = await ok(await createCart([{ variantId: v.teeS, quantity: 2 }]));
    const mine = await ok(await assign(guest.id, customer));
    expect(mine.id).toBe(guest.id);
    expect((await myCart(customer))?.id).toBe(guest.id);
    // Assigned: the guest's id alone no longer reaches it.
    expect(await readCart(guest.id)).toBeNull();
    // Idempotent.
    expect((await ok(await assign(guest.id, customer))).id).toBe(guest.id);
  });

  it("merges a guest cart into the customer's open cart: quantities add, capped at 99; the guest cart is closed", async () => {
    const customer = await stack.signUp("Returning");
    const own = await ok(
      await createCart(
        [
          { variantId: v.teeS, quantity: 98 },
          { variantId: v.mug, quantity: 1 },
        ],
        customer,
      ),
    );
    const guest = await ok(
      await createCart([
        { variantId: v.teeS, quantity: 5 },
        { variantId: v.lamp, quantity: 2 },
      ]),
    );
    const merged = await ok(await assign(guest.id, customer));
    expect(merged.id).toBe(own.id);
    expect(quantities(merged)).toEqual({ "TEE-S": 99, MUG: 1, LAMP: 2 });
    const { rows } = await sql<{ status: string; customer_id: string; merged_into: string }>`
      select status, customer_id, merged_into from cart.cart where id = ${guest.id}`.execute(cartDb());
    expect(rows[0]).toEqual({ status: "MERGED", customer_id: customer.userId, merged_into: own.id });
    expect(await readCart(guest.id)).toBeNull();
    expect(await readCart(guest.id, customer)).toBeNull();

    // Idempotent: assigning it again answers the customer's cart, unchanged.
    await expectNothingWritten(async () => {
      const again = await ok(await assign(guest.id, customer));
      expect(again.id).toBe(own.id);
      expect(quantities(again)).toEqual({ "TEE-S": 99, MUG: 1, LAMP: 2 });
    });

    // A merged cart is closed: its customer learns why, anyone else finds nothing.
    await expectNothingWritten(async () => {
      expect(errorsOf(await addLines(guest.id, [{ variantId: v.mug, quantity: 1 }], customer))).toEqual([
        expect.objectContaining({ code: "ILLEGAL_STATE", field: ["cartId"] }),
      ]);
      expect(errorsOf(await addLines(guest.id, [{ variantId: v.mug, quantity: 1 }]))).toEqual([
        expect.objectContaining({ code: "NOT_FOUND" }),
      ]);
      const other = await stack.signUp("Late");
      expect(errorsOf(await assign(guest.id, other))).toEqual([
        { code: "NOT_FOUND", field: ["cartId"], message: "No such cart." },
      ]);
    });
  });

  it("refuses a merge that would pass 100 lines, leaving both carts as they were", async () => {
    const customer = await stack.signUp("Collector");
    await ok(
      await createCart(
        bulk.slice(0, 100).map((variantId) => ({ variantId, quantity: 1 })),
        customer,
      ),
    );
    const guest = await ok(await createCart([{ variantId: v.teeS, quantity: 1 }]));
    await expectNothingWritten(async () => {
      expect(errorsOf(await assign(guest.id, customer))).toEqual([
        expect.objectContaining({ code: "TOO_MANY_LINES", field: ["cartId"] }),
      ]);
    });
    expect((await readCart(guest.id))?.id).toBe(guest.id);
  });

  it("refuses admins, whose carts stay guest carts", async () => {
    const guest = await ok(await createCart([]));
    expect((await assign(guest.id, admin)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

describe("prices and availability", () => {
  it("shows a catalog price change on the next read", async () => {
    const mug = await createProduct({
      name: "Espresso Cup",
      status: "ACTIVE",
      variants: [{ sku: "CUP", name: "Small", price: 800, stockOnHand: 20 }],
    });
    const cup = mug.variants[0]?.id as string;
    const created = await ok(await createCart([{ variantId: cup, quantity: 3 }]));
    expect(created.subtotal.amount).toBe(2400);
    const repriced = await stack.query(
      `mutation($id: ID!) { updateProductVariant(id: $id, input: { price: 950 }) { userErrors { code } } }`,
      { id: cup },
      admin.headers,
    );
    expect(repriced.errors).toBeUndefined();
    const after = await readCart(created.id);
    expect(after?.lines[0]).toMatchObject({ unitPrice: { amount: 950 }, lineTotal: { amount: 2850 } });
    expect(after?.subtotal).toEqual({ amount: 2850, currencyCode: "USD" });
  });

  it("shows a line whose product was archived as unavailable without failing the cart, and refuses adding more", async () => {
    const created = await ok(
      await createCart([
        { variantId: v.lamp, quantity: 2 },
        { variantId: v.mug, quantity: 1 },
      ]),
    );
    const archived = await stack.query(
      `mutation($id: ID!) { updateProduct(id: $id, input: { status: ARCHIVED }) { userErrors { code } } }`,
      { id: lampProduct },
      admin.headers,
    );
    expect(archived.errors).toBeUndefined();
    const result = await stack.query<{ cart: CartView }>(`query($id: ID!) { cart(id: $id) { ${CART} } }`, {
      id: created.id,
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.cart.lines.map((l) => [l.variant.sku, l.variant.inStock])).toEqual([
      ["LAMP", false],
      ["MUG", true],
    ]);
    expect(result.data?.cart.subtotal.amount).toBe(2 * 5000 + 1200);
    const lamp = created.lines[0]?.id as string;
    await expectNothingWritten(async () => {
      expect(errorsOf(await addLines(created.id, [{ variantId: v.lamp, quantity: 1 }]))).toEqual([
        expect.objectContaining({ code: "VARIANT_UNAVAILABLE", field: ["lines", "0", "variantId"] }),
      ]);
      expect(errorsOf(await updateLines(created.id, [{ lineId: lamp, quantity: 3 }]))).toEqual([
        expect.objectContaining({ code: "VARIANT_UNAVAILABLE", field: ["lines", "0", "lineId"] }),
      ]);
    });
    // Fewer, or none, is always fine.
    expect(quantities(await ok(await updateLines(created.id, [{ lineId: lamp, quantity: 1 }])))).toEqual({
      LAMP: 1,
      MUG: 1,
    });
    expect(quantities(await ok(await removeLines(created.id, [lamp])))).toEqual({ MUG: 1 });
  });

  it("reads a cart of 20 lines with one catalog call and as many SQL statements as a cart of 1", async () => {
    const running = stack.subgraphs.cart;
    if (!running) throw new Error("no cart");
    const one = await ok(await createCart([{ variantId: bulk[0] as string, quantity: 1 }]));
    const twenty = await ok(await createCart(bulk.slice(0, 20).map((variantId) => ({ variantId, quantity: 2 }))));
    const calls = vi.spyOn(running.services.internal as InternalClient, "call");
    const cost = async (id: string, lines: number) => {
      calls.mockClear();
      const before = running.statementCount();
      const read = await readCart(id);
      expect(read?.lines).toHaveLength(lines);
      return { catalogCalls: calls.mock.calls.length, statements: running.statementCount() - before };
    };
    try {
      const small = await cost(one.id, 1);
      const large = await cost(twenty.id, 20);
      expect(small.catalogCalls).toBe(1);
      expect(large.catalogCalls).toBe(1);
      expect(calls.mock.calls[0]?.[2]).toEqual({ ids: bulk.slice(0, 20) });
      expect(large.statements).toBe(small.statements);
      expect(small.statements).toBeLessThanOrEqual(2);
    } finally {
      calls.mockRestore();
    }
  });
});

describe("checkout hand-off", () => {
  const CHECK_OUT = `mutation($id: ID!, $orderId: ID!, $customerId: ID) {
    internalCheckOutCart(id: $id, orderId: $orderId, customerId: $customerId) {
      id customerId status orderId lines { lineId variantId quantity }
    }
  }`;
  const REOPEN = "mutation($id: ID!, $orderId: ID!) { internalReopenCart(id: $id, orderId: $orderId) }";
  type InternalCart = {
    id: string;
    customerId: string | null;
    status: string;
    orderId: string | null;
    lines: { lineId: string; variantId: string; quantity: number }[];
  };
  const checkOut = async (id: string, orderId: string, customerId: string | null) =>
    (await internal.call<{ internalCheckOutCart: InternalCart | null }>("cart", CHECK_OUT, { id, orderId, customerId }))
      .internalCheckOutCart;
  const reopen = async (id: string, orderId: string) =>
    (await internal.call<{ internalReopenCart: boolean }>("cart", REOPEN, { id, orderId })).internalReopenCart;
  const stored = async (id: string) =>
    (
      await sql<{
        status: string;
        order_id: string | null;
        merged_into: string | null;
      }>`select status, order_id, merged_into from cart.cart where id = ${id}`.execute(cartDb())
    ).rows[0];

  it("closes the buyer's cart for the order at once and answers its lines; a repeat answers the same", async () => {
    const customer = await stack.signUp("Buyer");
    const created = await ok(
      await createCart(
        [
          { variantId: v.teeS, quantity: 2 },
          { variantId: v.mug, quantity: 1 },
        ],
        customer,
      ),
    );
    const orderId = randomUUID();
    const closed = {
      id: created.id,
      customerId: customer.userId,
      status: "CONVERTED",
      orderId,
      lines: created.lines.map((l) => ({ lineId: l.id, variantId: l.variant.id, quantity: l.quantity })),
    };
    expect(await checkOut(created.id, orderId, customer.userId)).toEqual(closed);
    expect(await checkOut(created.id, orderId, customer.userId)).toEqual(closed);
    // Another order (a second checkout with another key) finds it closed and changes nothing.
    expect(await checkOut(created.id, randomUUID(), customer.userId)).toEqual(closed);
    expect(await stored(created.id)).toMatchObject({ status: "CONVERTED", order_id: orderId });
    // Nothing can be added while the order is being placed; the next createCart makes a new cart.
    expect(errorsOf(await addLines(created.id, [{ variantId: v.teeM, quantity: 1 }], customer))).toEqual([
      expect.objectContaining({ code: "ILLEGAL_STATE", field: ["cartId"] }),
    ]);
    expect(await myCart(customer)).toBeNull();
    const next = await ok(await createCart([{ variantId: v.teeM, quantity: 1 }], customer));
    expect(next.id).not.toBe(created.id);
  });

  it("answers null for someone else's or an unknown cart and leaves an empty cart open", async () => {
    const owner = await stack.signUp("Owner");
    const mine = await ok(await createCart([{ variantId: v.mug, quantity: 1 }], owner));
    const other = await stack.signUp("Other");
    expect(await checkOut(mine.id, randomUUID(), other.userId)).toBeNull();
    expect(await checkOut(mine.id, randomUUID(), null)).toBeNull();
    expect(await stored(mine.id)).toMatchObject({ status: "OPEN", order_id: null });
    expect(await checkOut(randomUUID(), randomUUID(), null)).toBeNull();
    expect(await checkOut("nope", randomUUID(), null)).toBeNull();

    const empty = await ok(await createCart([]));
    expect(await checkOut(empty.id, randomUUID(), null)).toMatchObject({ status: "OPEN", orderId: null, lines: [] });
    expect(await stored(empty.id)).toMatchObject({ status: "OPEN" });
    // A guest cart is anyone's who holds its id, a signed-in customer's too.
    const guest = await ok(await createCart([{ variantId: v.teeM, quantity: 1 }]));
    expect(await checkOut(guest.id, randomUUID(), owner.userId)).toMatchObject({ status: "CONVERTED" });
  });

  it("reopens the cart when the checkout fails, only for its order, once", async () => {
    const customer = await stack.signUp("Unlucky buyer");
    const created = await ok(await createCart([{ variantId: v.teeS, quantity: 3 }], customer));
    const orderId = randomUUID();
    await checkOut(created.id, orderId, customer.userId);
    expect(await reopen(created.id, randomUUID())).toBe(false);
    expect(await reopen(created.id, orderId)).toBe(true);
    expect(await reopen(created.id, orderId)).toBe(false);
    expect(await stored(created.id)).toMatchObject({ status: "OPEN", order_id: null });
    expect((await myCart(customer))?.id).toBe(created.id);
    expect(quantities(await ok(await addLines(created.id, [{ variantId: v.mug, quantity: 1 }], customer)))).toEqual({
      "TEE-S": 3,
      MUG: 1,
    });
    expect(await reopen(randomUUID(), orderId)).toBe(false);
  });

  it("merges a reopened cart into the open cart the customer started meanwhile", async () => {
    const customer = await stack.signUp("Two tabs");
    const first = await ok(await createCart([{ variantId: v.teeS, quantity: 2 }], customer));
    const orderId = randomUUID();
    await checkOut(first.id, orderId, customer.userId);
    const second = await ok(
      await createCart(
        [
          { variantId: v.teeS, quantity: 1 },
          { variantId: v.mug, quantity: 1 },
        ],
        customer,
      ),
    );
    expect(await reopen(first.id, orderId)).toBe(true);
    expect(await stored(first.id)).toMatchObject({ status: "MERGED", merged_into: second.id });
    const mine = await myCart(customer);
    expect(mine?.id).toBe(second.id);
    expect(quantities(mine)).toEqual({ "TEE-S": 3, MUG: 1 });
  });

  it("is absent from the router's API and refused without a service token", async () => {
    const schema = await stack.query<{
      __schema: { mutationType: { fields: { name: string }[] }; types: { name: string }[] };
    }>("{ __schema { mutationType { fields { name } } types { name } } }");
    const fields = schema.data?.__schema.mutationType.fields.map((f) => f.name) ?? [];
    expect(fields).toContain("createCart");
    expect(fields).not.toContain("internalCheckOutCart");
    expect(fields).not.toContain("internalReopenCart");
    expect(schema.data?.__schema.types.map((t) => t.name)).not.toContain("InternalCart");
    const created = await ok(await createCart([]));
    const variables = { id: created.id, orderId: randomUUID() };
    const viaRouter = await stack.query(CHECK_OUT, variables, admin.headers);
    expect(viaRouter.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");

    // Straight to the subgraph, correctly signed, but as a customer, an admin or anonymous.
    const customer = await stack.signUp("Snoop");
    const code = async (document: string, headers: Record<string, string>) =>
      (await direct(document, variables, headers)).errors?.[0]?.extensions?.code;
    for (const document of [CHECK_OUT, REOPEN]) {
      expect(await code(document, customer.headers)).toBe("FORBIDDEN");
      expect(await code(document, admin.headers)).toBe("FORBIDDEN");
      expect(await code(document, {})).toBe("UNAUTHENTICATED");
    }
    expect(await stored(created.id)).toMatchObject({ status: "OPEN" });
  });

  it("marks the cart CONVERTED on order.placed, once; the customer's next createCart makes a new cart", async () => {
    const running = stack.subgraphs.cart;
    if (!running) throw new Error("no cart");
    const customer = await stack.signUp("Checkout");
    const created = await ok(await createCart([{ variantId: v.teeS, quantity: 1 }], customer));
    const orderId = randomUUID();
    await running.database.db
      .transaction()
      .execute((trx) =>
        running.bus.publish(trx, "order.placed", { orderId, cartId: created.id, customerId: customer.userId }),
      );
    await vi.waitFor(
      async () => {
        expect((await stored(created.id))?.status).toBe("CONVERTED");
      },
      { timeout: 15_000, interval: 100 },
    );
    const { rows } = await sql<{ order_id: string }>`select order_id from cart.cart where id = ${created.id}`.execute(
      cartDb(),
    );
    expect(rows[0]?.order_id).toBe(orderId);
    expect(await readCart(created.id, customer)).toBeNull();
    expect(await myCart(customer)).toBeNull();
    await expectNothingWritten(async () => {
      expect(errorsOf(await addLines(created.id, [{ variantId: v.mug, quantity: 1 }], customer))).toEqual([
        expect.objectContaining({ code: "ILLEGAL_STATE", field: ["cartId"] }),
      ]);
      expect(errorsOf(await assign(created.id, customer))).toEqual([
        expect.objectContaining({ code: "ILLEGAL_STATE" }),
      ]);
    });
    // A redelivered event (same id) has no effect.
    const eventId = randomUUID();
    const carts = running.services.carts as { convert(id: string, data: unknown): Promise<boolean> };
    const next = await ok(await createCart([{ variantId: v.mug, quantity: 1 }], customer));
    expect(next.id).not.toBe(created.id);
    expect((await myCart(customer))?.id).toBe(next.id);
    expect(await carts.convert(eventId, { orderId: randomUUID(), cartId: next.id, customerId: customer.userId })).toBe(
      true,
    );
    const { rows: again } = await sql<{ status: string }>`select status from cart.cart where id = ${next.id}`.execute(
      cartDb(),
    );
    expect(again[0]?.status).toBe("CONVERTED");
    await sql`update cart.cart set status = 'OPEN' where id = ${next.id}`.execute(cartDb());
    expect(await carts.convert(eventId, { orderId: randomUUID(), cartId: next.id, customerId: customer.userId })).toBe(
      false,
    );
    expect((await stored(next.id))?.status).toBe("OPEN");
  });
});

describe("retention", () => {
  it("purges carts untouched for 30 days", async () => {
    const running = stack.subgraphs.cart;
    if (!running) throw new Error("no cart");
    const stale = await ok(await createCart([{ variantId: v.mug, quantity: 1 }]));
    const fresh = await ok(await createCart([{ variantId: v.mug, quantity: 1 }]));
    await sql`update cart.cart set updated_at = now() - interval '31 days' where id = ${stale.id}`.execute(cartDb());
    const carts = running.services.carts as { purge(days: number): Promise<number> };
    expect(await carts.purge(30)).toBe(1);
    expect(await readCart(stale.id)).toBeNull();
    expect((await readCart(fresh.id))?.id).toBe(fresh.id);
  });
});
