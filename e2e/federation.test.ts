import { cart } from "@retailer/cart";
import { catalog } from "@retailer/catalog";
import { type Stack, startStack } from "@retailer/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let stack: Stack;
let cartId: string;

beforeAll(async () => {
  stack = await startStack([catalog, cart]);
  const catalogDb = stack.subgraphs.catalog?.database.db;
  const cartDb = stack.subgraphs.cart?.database.db;
  if (!catalogDb || !cartDb) throw new Error("stack incomplete");
  // Four variants of two products, seeded straight into catalog's tables.
  const products = await sql<{ id: string }>`
    insert into catalog.product (slug, name, status) values ('tee', 'Tee', 'ACTIVE'), ('mug', 'Mug', 'ACTIVE')
    returning id`.execute(catalogDb);
  const [tee, mug] = products.rows.map((r) => r.id);
  const variants = await sql<{ id: string }>`
    insert into catalog.variant (product_id, sku, name, price, currency, on_hand) values
      (${tee}, 'TEE-S', 'S', 1500, 'USD', 5), (${tee}, 'TEE-M', 'M', 1500, 'USD', 0),
      (${mug}, 'MUG-W', 'White', 900, 'USD', 3), (${mug}, 'MUG-B', 'Black', 950, 'USD', 3)
    returning id`.execute(catalogDb);
  const created = await sql<{ id: string }>`insert into cart.cart default values returning id`.execute(cartDb);
  cartId = created.rows[0]?.id as string;
  for (const [i, v] of variants.rows.entries()) {
    await sql`insert into cart.cart_line (cart_id, variant_id, quantity) values (${cartId}, ${v.id}, ${i + 1})`.execute(
      cartDb,
    );
  }
});

afterAll(() => stack?.stop());

describe("the router", () => {
  it("resolves a cart's lines with entities from catalog, one SQL query per entity type", async () => {
    const before = stack.subgraphs.catalog?.statementCount() ?? 0;
    const result = await stack.query<{
      cart: {
        totalQuantity: number;
        lines: { quantity: number; variant: { sku: string; product: { name: string } } }[];
      };
    }>(
      `query Cart($id: ID!) {
        cart(id: $id) {
          totalQuantity
          lines { quantity variant { sku price { amount currencyCode } inStock product { name } } }
        }
      }`,
      { id: cartId },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.cart.totalQuantity).toBe(10);
    expect(result.data?.cart.lines.map((l) => `${l.variant.sku}:${l.variant.product.name}`)).toEqual([
      "TEE-S:Tee",
      "TEE-M:Tee",
      "MUG-W:Mug",
      "MUG-B:Mug",
    ]);
    // One batched query for the four variants, one for their two products.
    expect((stack.subgraphs.catalog?.statementCount() ?? 0) - before).toBe(2);
  });

  it("answers health and readiness", async () => {
    const base = new URL(stack.router.url);
    expect((await fetch(new URL("/health", base))).status).toBe(200);
    expect((await fetch(new URL("/ready", base))).status).toBe(200);
  });

  it("forwards its request id to the subgraphs", async () => {
    const response = await fetch(stack.router.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "req-test-1" },
      body: JSON.stringify({ query: "{ products(first: 1) { totalCount } }" }),
    });
    expect(response.headers.get("x-request-id")).toBe("req-test-1");
    expect(((await response.json()) as { data: { products: { totalCount: number } } }).data.products.totalCount).toBe(
      2,
    );
  });
});
