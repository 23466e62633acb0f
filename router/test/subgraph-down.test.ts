import { cart } from "@retailer/cart";
import { catalog } from "@retailer/catalog";
import { type Stack, startStack } from "@retailer/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";

let stack: Stack;
let cartId: string;

beforeAll(async () => {
  stack = await startStack([catalog, cart]);
  const catalogDb = stack.subgraphs.catalog?.database.db;
  const cartDb = stack.subgraphs.cart?.database.db;
  if (!catalogDb || !cartDb) throw new Error("stack incomplete");
  const product = await sql<{ id: string }>`
    insert into catalog.product (slug, name, status) values ('tee', 'Tee', 'ACTIVE') returning id`.execute(catalogDb);
  const variant = await sql<{ id: string }>`
    insert into catalog.variant (product_id, sku, name, price, currency, on_hand)
    values (${product.rows[0]?.id}, 'TEE-S', 'S', 1500, 'USD', 5) returning id`.execute(catalogDb);
  cartId = (await sql<{ id: string }>`insert into cart.cart default values returning id`.execute(cartDb)).rows[0]
    ?.id as string;
  await sql`insert into cart.cart_line (cart_id, variant_id, quantity) values (${cartId}, ${variant.rows[0]?.id}, 2)`.execute(
    cartDb,
  );
});
afterAll(() => stack?.stop());

const CART = "query($id: ID!) { cart(id: $id) { totalQuantity lines { quantity variant { sku } } } }";

it("answers what it can and names the subgraph that is down, at once", async () => {
  const before = await stack.query(CART, { id: cartId });
  expect(before.errors).toBeUndefined();
  await stack.subgraphs.catalog?.stop();
  const started = Date.now();
  const after = await stack.query(CART, { id: cartId });
  expect(Date.now() - started).toBeLessThan(2_000);
  // The variant's non-null sku is missing, so null reaches the nullable cart; the error says why.
  expect(after.data).toEqual({ cart: null });
  expect(after.errors?.[0]).toMatchObject({
    message: "The catalog service is unavailable.",
    extensions: { code: "SUBGRAPH_UNAVAILABLE", serviceName: "catalog" },
  });
  // The router's readiness says so too.
  expect((await fetch(new URL("/ready", stack.router.url))).status).toBe(503);
});
