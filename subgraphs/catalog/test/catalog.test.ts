import { createLogger, InternalClient } from "@retailer/kit";
import { type Session, type Stack, startStack } from "@retailer/testing";
import { users } from "@retailer/users";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "../src/index.js";

let stack: Stack;
let admin: Session;
let customer: Session;
let internal: InternalClient;
const ids = {} as Record<
  "apparel" | "tops" | "home" | "hoodie" | "hoodieS" | "hoodieM" | "jacket" | "mug" | "draft",
  string
>;

type Errors = { code: string; field: string[] | null; message: string }[];
type ProductNode = { id: string; name: string; slug: string; status: string; priceRange: { min: { amount: number } } };

const PRODUCT_FIELDS =
  "id name slug status priceRange { min { amount } max { amount } } variants { id sku price { amount currencyCode } inStock availableQuantity }";

async function adminQuery<T>(query: string, variables: Record<string, unknown> = {}) {
  return stack.query<T>(query, variables, admin.headers);
}

async function createProduct(input: Record<string, unknown>) {
  const result = await adminQuery<{
    createProduct: { product: ProductNode & { variants: { id: string; sku: string }[] }; userErrors: Errors };
  }>(
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { ${PRODUCT_FIELDS} } userErrors { code field message } } }`,
    { input },
  );
  return result.data?.createProduct as {
    product: ProductNode & { variants: { id: string; sku: string }[] };
    userErrors: Errors;
  };
}

async function createCategory(input: Record<string, unknown>) {
  const result = await adminQuery<{
    createCategory: { category: { id: string; slug: string } | null; userErrors: Errors };
  }>(
    "mutation($input: CreateCategoryInput!) { createCategory(input: $input) { category { id slug } userErrors { code field } } }",
    { input },
  );
  return result.data?.createCategory as { category: { id: string; slug: string } | null; userErrors: Errors };
}

const list = (variables: Record<string, unknown>, headers?: Record<string, string>) =>
  stack.query<{
    products: {
      totalCount: number;
      nodes: ProductNode[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  }>(
    `query($first: Int, $after: String, $filter: ProductFilter, $sort: ProductSort) {
      products(first: $first, after: $after, filter: $filter, sort: $sort) {
        totalCount nodes { id name slug status priceRange { min { amount } } } pageInfo { hasNextPage endCursor }
      }
    }`,
    variables,
    headers,
  );

beforeAll(async () => {
  stack = await startStack([users, catalog]);
  admin = await stack.admin();
  customer = await stack.signUp("Shopper");
  internal = new InternalClient({
    service: "orders",
    secret: stack.env.INTERNAL_SECRET as string,
    log: createLogger("test", "silent"),
    env: stack.env,
  });
  const apparel = await createCategory({ name: "Apparel" });
  const tops = await createCategory({ name: "Tops", parentId: apparel.category?.id });
  const home = await createCategory({ name: "Home & Kitchen" });
  ids.apparel = apparel.category?.id as string;
  ids.tops = tops.category?.id as string;
  ids.home = home.category?.id as string;
  const hoodie = await createProduct({
    name: "Organic Hoodie",
    description: "Brushed organic cotton hoodie.",
    categoryId: ids.tops,
    status: "ACTIVE",
    variants: [
      { sku: "HOOD-S", name: "S", price: 5900, stockOnHand: 10, options: [{ name: "Size", value: "S" }] },
      { sku: "HOOD-M", name: "M", price: 6100, stockOnHand: 0, options: [{ name: "Size", value: "M" }] },
    ],
  });
  ids.hoodie = hoodie.product.id;
  ids.hoodieS = hoodie.product.variants[0]?.id as string;
  ids.hoodieM = hoodie.product.variants[1]?.id as string;
  const jacket = await createProduct({
    name: "Rain Jacket",
    description: "Waterproof shell.",
    categoryId: ids.apparel,
    status: "ACTIVE",
    variants: [{ sku: "RAIN-1", name: "One size", price: 12900, stockOnHand: 3 }],
  });
  ids.jacket = jacket.product.id;
  const mug = await createProduct({
    name: "Stoneware Mug",
    description: "A mug for 100% of your coffee_needs.",
    categoryId: ids.home,
    status: "ACTIVE",
    variants: [{ sku: "MUG-1", name: "White", price: 1600, stockOnHand: 0 }],
  });
  ids.mug = mug.product.id;
  const draft = await createProduct({
    name: "Secret Sneaker",
    status: "DRAFT",
    variants: [{ sku: "SNEAK-1", name: "42", price: 9900, stockOnHand: 5 }],
  });
  ids.draft = draft.product.id;
});
afterAll(() => stack?.stop());

describe("products", () => {
  it("creates a product with variants, stock, a generated slug and a price range", async () => {
    const result = await stack.query<{
      product: {
        slug: string;
        category: { name: string; parent: { name: string } };
        priceRange: { min: { amount: number }; max: { amount: number } };
        variants: {
          sku: string;
          inStock: boolean;
          availableQuantity: number;
          options: { name: string; value: string }[];
        }[];
      };
    }>(
      "query($id: ID) { product(id: $id) { slug category { name parent { name } } priceRange { min { amount } max { amount } } variants { sku inStock availableQuantity options { name value } } } }",
      { id: ids.hoodie },
    );
    expect(result.data?.product).toEqual({
      slug: "organic-hoodie",
      category: { name: "Tops", parent: { name: "Apparel" } },
      priceRange: { min: { amount: 5900 }, max: { amount: 6100 } },
      variants: [
        { sku: "HOOD-S", inStock: true, availableQuantity: 10, options: [{ name: "Size", value: "S" }] },
        { sku: "HOOD-M", inStock: false, availableQuantity: 0, options: [{ name: "Size", value: "M" }] },
      ],
    });
  });

  it("finds a product by slug, and hides a DRAFT from customers but not from admins", async () => {
    expect(
      (await stack.query<{ product: { id: string } }>('{ product(slug: "rain-jacket") { id } }')).data?.product.id,
    ).toBe(ids.jacket);
    const byId = `{ product(id: "${ids.draft}") { id status } }`;
    expect((await stack.query(byId, {}, customer.headers)).data).toEqual({ product: null });
    expect((await stack.query('{ product(slug: "secret-sneaker") { id } }')).data).toEqual({ product: null });
    expect((await adminQuery<{ product: { status: string } }>(byId)).data?.product.status).toBe("DRAFT");
    const both = await stack.query(`{ product(id: "${ids.draft}", slug: "x") { id } }`);
    expect(both.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("lists ACTIVE products to customers and every status to admins, who may filter by status", async () => {
    const names = (r: Awaited<ReturnType<typeof list>>) => r.data?.products.nodes.map((n) => n.name);
    expect(names(await list({ first: 10 }, customer.headers))).not.toContain("Secret Sneaker");
    expect(names(await list({ first: 10, filter: { status: "DRAFT" } }, customer.headers))).not.toContain(
      "Secret Sneaker",
    );
    expect(names(await list({ first: 10 }, admin.headers))).toContain("Secret Sneaker");
    expect(names(await list({ first: 10, filter: { status: "DRAFT" } }, admin.headers))).toEqual(["Secret Sneaker"]);
  });

  it("searches name and description, typo-tolerant, ranked by relevance", async () => {
    const search = async (text: string) =>
      (
        await list({ first: 10, filter: { search: text }, sort: { field: "RELEVANCE", direction: "DESC" } })
      ).data?.products.nodes.map((n) => n.name);
    expect(await search("hoodei")).toEqual(["Organic Hoodie"]);
    expect(await search("waterproof")).toEqual(["Rain Jacket"]);
    expect(await search("organic cotton")).toEqual(["Organic Hoodie"]);
    // Metacharacters of SQL, LIKE and tsquery are just text.
    for (const text of ["100%", "coffee_needs", "' or 1=1 --", "a & | ! (", "\\\\"]) {
      const result = await list({ first: 10, filter: { search: text } });
      expect(result.errors).toBeUndefined();
    }
    const huge = await list({ first: 10, filter: { search: "x".repeat(10_240) } });
    expect(huge.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("filters by category with descendants, price and stock, and sorts", async () => {
    const names = async (variables: Record<string, unknown>) =>
      (await list({ first: 20, ...variables })).data?.products.nodes.map((n) => n.name);
    expect(
      (await names({ filter: { categoryId: ids.apparel }, sort: { field: "NAME", direction: "ASC" } })) ?? [],
    ).toEqual(["Organic Hoodie", "Rain Jacket"]);
    expect(await names({ filter: { categoryId: ids.tops } })).toEqual(["Organic Hoodie"]);
    expect(
      await names({ filter: { minPrice: 6000, maxPrice: 20000 }, sort: { field: "PRICE", direction: "ASC" } }),
    ).toEqual(["Organic Hoodie", "Rain Jacket"]);
    expect(await names({ filter: { inStock: false } })).toEqual(["Stoneware Mug"]);
    expect(await names({ sort: { field: "PRICE", direction: "DESC" } })).toEqual([
      "Rain Jacket",
      "Organic Hoodie",
      "Stoneware Mug",
    ]);
    expect(await names({ sort: { field: "NAME", direction: "DESC" } })).toEqual([
      "Stoneware Mug",
      "Rain Jacket",
      "Organic Hoodie",
    ]);
    const category = await stack.query<{ category: { products: { nodes: { name: string }[] } } }>(
      '{ category(slug: "apparel") { products(first: 10, sort: { field: NAME, direction: ASC }) { nodes { name } } } }',
    );
    expect(category.data?.category.products.nodes.map((n) => n.name)).toEqual(["Organic Hoodie", "Rain Jacket"]);
    const tree = await stack.query<{ categories: { name: string; children: { name: string }[] }[] }>(
      "{ categories { name children { name } } }",
    );
    expect(tree.data?.categories).toEqual(
      expect.arrayContaining([
        { name: "Apparel", children: [{ name: "Tops" }] },
        { name: "Home & Kitchen", children: [] },
      ]),
    );
  });

  it("refuses bad page sizes and cursors", async () => {
    expect((await list({ first: 101 })).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await list({ first: -1 })).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await list({ first: 5, after: "garbage" })).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const page = await list({ first: 1, sort: { field: "NAME", direction: "ASC" } });
    const wrongSort = await list({
      first: 1,
      after: page.data?.products.pageInfo.endCursor,
      sort: { field: "PRICE", direction: "ASC" },
    });
    expect(wrongSort.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("admin mutations", () => {
  it("are FORBIDDEN to customers and UNAUTHENTICATED to anonymous callers", async () => {
    const mutation = 'mutation { createCategory(input: { name: "Nope" }) { category { id } } }';
    expect((await stack.query(mutation, {}, customer.headers)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await stack.query(mutation)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it.each([
    [{ name: "", variants: [{ sku: "A-1", name: "a", price: 100 }] }, "INVALID_INPUT", ["input", "name"]],
    [
      { name: "Neg", variants: [{ sku: "A-2", name: "a", price: -1 }] },
      "INVALID_PRICE",
      ["input", "variants", "0", "price"],
    ],
    [
      { name: "Big", variants: [{ sku: "A-3", name: "a", price: 100_000_001 }] },
      "INVALID_PRICE",
      ["input", "variants", "0", "price"],
    ],
    [{ name: "Dup", variants: [{ sku: "HOOD-S", name: "a", price: 1 }] }, "SKU_TAKEN", ["input", "variants", "sku"]],
    [
      {
        name: "Twice",
        variants: [
          { sku: "T-1", name: "a", price: 1 },
          { sku: "T-1", name: "b", price: 1 },
        ],
      },
      "DUPLICATE_SKU",
      ["input", "variants", "1", "sku"],
    ],
    [
      { name: "Slug", slug: "organic-hoodie", variants: [{ sku: "S-1", name: "a", price: 1 }] },
      "SLUG_TAKEN",
      ["input", "slug"],
    ],
    [
      { name: "Bad slug", slug: "Not A Slug", variants: [{ sku: "S-2", name: "a", price: 1 }] },
      "INVALID_SLUG",
      ["input", "slug"],
    ],
    [
      {
        name: "Cat",
        categoryId: "00000000-0000-4000-8000-000000000000",
        variants: [{ sku: "C-1", name: "a", price: 1 }],
      },
      "UNKNOWN_CATEGORY",
      ["input", "categoryId"],
    ],
    [{ name: "None", variants: [] }, "INVALID_INPUT", ["input", "variants"]],
  ])("createProduct refuses bad input %#, writing nothing", async (input, code, field) => {
    const before = await countRows("product");
    const result = await createProduct(input);
    expect(result.product).toBeNull();
    expect(result.userErrors).toContainEqual(expect.objectContaining({ code, field }));
    expect(await countRows("product")).toBe(before);
  });

  it("refuses a fractional price as invalid GraphQL input", async () => {
    const result = await adminQuery(
      'mutation { createProduct(input: { name: "Frac", variants: [{ sku: "F-1", name: "a", price: 9.99 }] }) { product { id } } }',
    );
    expect(result.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("updates products and variants, and keeps the price range in step", async () => {
    const updated = await adminQuery<{ updateProduct: { product: { name: string; slug: string; status: string } } }>(
      `mutation($id: ID!) { updateProduct(id: $id, input: { name: "Stoneware Mug XL", slug: "mug-xl" }) { product { name slug status } userErrors { code } } }`,
      { id: ids.mug },
    );
    expect(updated.data?.updateProduct.product).toEqual({ name: "Stoneware Mug XL", slug: "mug-xl", status: "ACTIVE" });
    const added = await adminQuery<{
      addProductVariant: { variant: { sku: string; product: { priceRange: { max: { amount: number } } } } };
    }>(
      `mutation($id: ID!) { addProductVariant(productId: $id, input: { sku: "MUG-2", name: "Blue", price: 1800, stockOnHand: 4 }) { variant { sku product { priceRange { max { amount } } } } userErrors { code } } }`,
      { id: ids.mug },
    );
    expect(added.data?.addProductVariant.variant).toEqual({
      sku: "MUG-2",
      product: { priceRange: { max: { amount: 1800 } } },
    });
    const repriced = await adminQuery<{ updateProductVariant: { variant: { price: { amount: number } } } }>(
      `mutation($id: ID!) { updateProductVariant(id: $id, input: { price: 1700 }) { variant { price { amount } } userErrors { code } } }`,
      { id: ids.hoodieS },
    );
    expect(repriced.data?.updateProductVariant.variant.price.amount).toBe(1700);
    const price = await list({ first: 10, filter: { maxPrice: 1750 }, sort: { field: "PRICE", direction: "ASC" } });
    expect(price.data?.products.nodes.map((n) => n.name)).toContain("Organic Hoodie");
    const clash = await adminQuery<{ updateProductVariant: { userErrors: Errors } }>(
      `mutation($id: ID!) { updateProductVariant(id: $id, input: { sku: "RAIN-1" }) { variant { id } userErrors { code field } } }`,
      { id: ids.hoodieM },
    );
    expect(clash.data?.updateProductVariant.userErrors[0]?.code).toBe("SKU_TAKEN");
  });

  it("moves categories but never under themselves", async () => {
    const moved = await adminQuery<{ updateCategory: { userErrors: Errors } }>(
      "mutation($id: ID!, $p: ID) { updateCategory(id: $id, input: { parentId: $p }) { category { id } userErrors { code field } } }",
      { id: ids.apparel, p: ids.tops },
    );
    expect(moved.data?.updateCategory.userErrors).toEqual([{ code: "CATEGORY_CYCLE", field: ["input", "parentId"] }]);
    const self = await adminQuery<{ updateCategory: { userErrors: Errors } }>(
      "mutation($id: ID!) { updateCategory(id: $id, input: { parentId: $id }) { category { id } userErrors { code } } }",
      { id: ids.tops },
    );
    expect(self.data?.updateCategory.userErrors[0]?.code).toBe("CATEGORY_CYCLE");
    expect((await createCategory({ name: "Dupe", slug: "apparel" })).userErrors[0]?.code).toBe("SLUG_TAKEN");
    expect(
      (await createCategory({ name: "Orphan", parentId: "00000000-0000-4000-8000-000000000000" })).userErrors[0]?.code,
    ).toBe("UNKNOWN_CATEGORY");
  });

  it("adjusts stock but never below what is reserved, and logs every movement", async () => {
    const adjust = (variantId: string, delta: number) =>
      adminQuery<{
        adjustStock: {
          variant: { stock: { onHand: number; reserved: number; available: number } } | null;
          userErrors: Errors;
        };
      }>(
        `mutation($v: ID!, $d: Int!) { adjustStock(variantId: $v, delta: $d, reason: "count") { variant { stock { onHand reserved available } } userErrors { code field message } } }`,
        { v: variantId, d: delta },
      );
    expect((await adjust(ids.hoodieM, 5)).data?.adjustStock.variant?.stock).toEqual({
      onHand: 5,
      reserved: 0,
      available: 5,
    });
    const orderId = crypto.randomUUID();
    await reserve(orderId, [{ variantId: ids.hoodieM, quantity: 3 }]);
    const tooMuch = await adjust(ids.hoodieM, -4);
    expect(tooMuch.data?.adjustStock).toMatchObject({
      variant: null,
      userErrors: [{ code: "INSUFFICIENT_STOCK", field: ["delta"] }],
    });
    expect((await adjust(ids.hoodieM, -2)).data?.adjustStock.variant?.stock).toEqual({
      onHand: 3,
      reserved: 3,
      available: 0,
    });
    const stockOfCustomer = await stack.query(
      `{ product(id: "${ids.hoodie}") { variants { stock { onHand } } } }`,
      {},
      customer.headers,
    );
    expect(stockOfCustomer.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const db = stack.subgraphs.catalog?.database.db;
    if (!db) throw new Error("no catalog");
    const { rows } = await sql<{ kind: string; on_hand_delta: number; reserved_delta: number }>`
      select kind, on_hand_delta, reserved_delta from catalog.stock_movement where variant_id = ${ids.hoodieM} order by id`.execute(
      db,
    );
    expect(rows).toEqual([
      { kind: "ADJUST", on_hand_delta: 5, reserved_delta: 0 },
      { kind: "RESERVE", on_hand_delta: 0, reserved_delta: 3 },
      { kind: "ADJUST", on_hand_delta: -2, reserved_delta: 0 },
    ]);
    await expect(sql`delete from catalog.stock_movement`.execute(db)).rejects.toThrow(/append-only/);
  });
});

type Reservation = {
  reserveStock: {
    ok: boolean;
    lines: { variantId: string; sku: string; unitPrice: number; productName: string; quantity: number }[];
    shortages: { variantId: string; requested: number; available: number }[];
    userErrors: Errors;
  };
};
const RESERVE = `mutation($orderId: ID!, $lines: [StockLineInput!]!) {
  reserveStock(orderId: $orderId, lines: $lines) {
    ok lines { variantId sku unitPrice productName quantity } shortages { variantId requested available } userErrors { code field }
  }
}`;
const reserve = (orderId: string, lines: { variantId: string; quantity: number }[]) =>
  internal.call<Reservation>("catalog", RESERVE, { orderId, lines });

async function countRows(table: string): Promise<number> {
  const db = stack.subgraphs.catalog?.database.db;
  if (!db) throw new Error("no catalog");
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(`catalog.${table}`)}`.execute(
    db,
  );
  return rows[0]?.n ?? 0;
}

describe("stock reservations (internal)", () => {
  it("reserve all lines or none, with authoritative prices, idempotently by order id", async () => {
    const orderId = crypto.randomUUID();
    const short = await reserve(orderId, [
      { variantId: ids.hoodieS, quantity: 2 },
      { variantId: ids.jacket ? await variantOf(ids.jacket) : "", quantity: 99 },
    ]);
    expect(short.reserveStock.ok).toBe(false);
    expect(short.reserveStock.shortages).toEqual([expect.objectContaining({ requested: 99, available: 3 })]);
    expect(await available(ids.hoodieS)).toBe(10);

    const ok = await reserve(orderId, [{ variantId: ids.hoodieS, quantity: 2 }]);
    expect(ok.reserveStock).toMatchObject({
      ok: true,
      lines: [{ sku: "HOOD-S", unitPrice: 1700, productName: "Organic Hoodie", quantity: 2 }],
    });
    const again = await reserve(orderId, [{ variantId: ids.hoodieS, quantity: 2 }]);
    expect(again.reserveStock.lines).toEqual(ok.reserveStock.lines);
    expect(await available(ids.hoodieS)).toBe(8);

    expect(
      await internal.call<{ releaseStock: number }>("catalog", "mutation($o: ID!) { releaseStock(orderId: $o) }", {
        o: orderId,
      }),
    ).toEqual({ releaseStock: 1 });
    expect(
      await internal.call<{ releaseStock: number }>("catalog", "mutation($o: ID!) { releaseStock(orderId: $o) }", {
        o: orderId,
      }),
    ).toEqual({ releaseStock: 0 });
    expect(await available(ids.hoodieS)).toBe(10);
  });

  it("commit takes the units off on-hand stock, once", async () => {
    const orderId = crypto.randomUUID();
    await reserve(orderId, [{ variantId: ids.hoodieS, quantity: 1 }]);
    const commit = () =>
      internal.call<{ commitStock: number }>("catalog", "mutation($o: ID!) { commitStock(orderId: $o) }", {
        o: orderId,
      });
    expect((await commit()).commitStock).toBe(1);
    expect((await commit()).commitStock).toBe(0);
    const stock = await adminQuery<{
      product: { variants: { sku: string; stock: { onHand: number; reserved: number } }[] };
    }>(`{ product(id: "${ids.hoodie}") { variants { sku stock { onHand reserved } } } }`);
    expect(stock.data?.product.variants.find((v) => v.sku === "HOOD-S")?.stock).toEqual({ onHand: 9, reserved: 0 });
  });

  it("refuses inactive and unknown variants and bad lines", async () => {
    const draftVariant = await variantOf(ids.draft);
    const result = await reserve(crypto.randomUUID(), [
      { variantId: draftVariant, quantity: 1 },
      { variantId: "00000000-0000-4000-8000-000000000000", quantity: 1 },
    ]);
    expect(result.reserveStock.shortages).toEqual([
      { variantId: draftVariant, requested: 1, available: 0 },
      { variantId: "00000000-0000-4000-8000-000000000000", requested: 1, available: 0 },
    ]);
    const bad = await reserve(crypto.randomUUID(), [{ variantId: ids.hoodieS, quantity: 0 }]);
    expect(bad.reserveStock.userErrors[0]?.code).toBe("INVALID_INPUT");
  });

  it("never oversells: 60 concurrent checkouts for 10 units get exactly 10", async () => {
    const created = await createProduct({
      name: "Limited Print",
      status: "ACTIVE",
      variants: [{ sku: "LTD-1", name: "Print", price: 5000, stockOnHand: 10 }],
    });
    const variantId = created.product.variants[0]?.id as string;
    const results = await Promise.all(
      Array.from({ length: 60 }, () => reserve(crypto.randomUUID(), [{ variantId, quantity: 1 }])),
    );
    expect(results.filter((r) => r.reserveStock.ok)).toHaveLength(10);
    expect(results.filter((r) => !r.reserveStock.ok).every((r) => r.reserveStock.shortages[0]?.available === 0)).toBe(
      true,
    );
    const db = stack.subgraphs.catalog?.database.db;
    if (!db) throw new Error("no catalog");
    const { rows } = await sql<{ on_hand: number; reserved: number; movements: number; reservations: number }>`
      select on_hand, reserved,
        (select count(*)::int from catalog.stock_movement where variant_id = v.id and kind = 'RESERVE') as movements,
        (select coalesce(sum(quantity), 0)::int from catalog.reservation where variant_id = v.id) as reservations
      from catalog.variant v where id = ${variantId}`.execute(db);
    expect(rows[0]).toEqual({ on_hand: 10, reserved: 10, movements: 10, reservations: 10 });
  });

  it("are absent from the router's API and refused without a service token", async () => {
    const schema = await stack.query<{
      __schema: { mutationType: { fields: { name: string }[] }; queryType: { fields: { name: string }[] } };
    }>("{ __schema { mutationType { fields { name } } queryType { fields { name } } } }");
    const names = [
      ...(schema.data?.__schema.mutationType.fields ?? []),
      ...(schema.data?.__schema.queryType.fields ?? []),
    ].map((f) => f.name);
    expect(names).toContain("createProduct");
    for (const hidden of ["reserveStock", "releaseStock", "commitStock", "internalVariants"])
      expect(names).not.toContain(hidden);
    const viaRouter = await stack.query(
      RESERVE,
      { orderId: crypto.randomUUID(), lines: [{ variantId: ids.hoodieS, quantity: 1 }] },
      admin.headers,
    );
    expect(viaRouter.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });
});

describe("pagination and batching", () => {
  beforeAll(async () => {
    const db = stack.subgraphs.catalog?.database.db;
    if (!db) throw new Error("no catalog");
    // 250 products, many sharing a creation time, each with 2 variants, in one category.
    await sql`
      with p as (
        insert into catalog.product (slug, name, status, category_id, created_at)
        select 'bulk-' || g, 'Bulk ' || lpad(g::text, 3, '0'), 'ACTIVE', ${ids.home}::uuid, now() - ((g / 10) || ' minutes')::interval
        from generate_series(1, 250) g
        returning id, slug
      )
      insert into catalog.variant (product_id, sku, name, price, currency, on_hand)
      select p.id, upper(p.slug) || '-' || v, 'V' || v, 100 * v, 'USD', v from p, generate_series(1, 2) v`.execute(db);
    await sql`update catalog.product p set min_price = 100, max_price = 200 where slug like 'bulk-%'`.execute(db);
  });

  it.each(["CREATED_AT", "NAME", "PRICE"])("walks 250+ products by %s without gaps or duplicates", async (field) => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (let page = 0; page < 100; page += 1) {
      const result = await list({
        first: 17,
        after,
        filter: { categoryId: ids.home },
        sort: { field, direction: "ASC" },
      });
      const products = result.data?.products;
      if (!products) throw new Error(JSON.stringify(result.errors));
      total = products.totalCount;
      seen.push(...products.nodes.map((n) => n.id));
      if (!products.pageInfo.hasNextPage) break;
      after = products.pageInfo.endCursor;
    }
    expect(total).toBe(251);
    expect(seen).toHaveLength(251);
    expect(new Set(seen).size).toBe(251);
  });

  it("costs the same SQL statements for 24 products as for 96 (no N+1)", async () => {
    const query = `query($first: Int) { products(first: $first) { nodes { name category { name parent { name } } variants { sku price { amount } inStock availableQuantity } priceRange { min { amount } } } } }`;
    const count = async (first: number) => {
      const before = stack.subgraphs.catalog?.statementCount() ?? 0;
      const result = await stack.query<{ products: { nodes: unknown[] } }>(query, { first });
      expect(result.data?.products.nodes).toHaveLength(first);
      return (stack.subgraphs.catalog?.statementCount() ?? 0) - before;
    };
    const small = await count(24);
    const large = await count(96);
    expect(large).toBe(small);
    // The page, the categories (Home, a root: no parent to load) and the variants. No count(*), as totalCount
    // is not asked, and no product re-read for inStock (before both: 5).
    expect(small).toBe(3);
  });

  it("counts products only when totalCount is asked, with one statement however often it is asked", async () => {
    const catalogDb = stack.subgraphs.catalog?.database.db;
    if (!catalogDb) throw new Error("no catalog");
    const active = Number(
      (await sql<{ n: number }>`select count(*) as n from catalog.product where status = 'ACTIVE'`.execute(catalogDb))
        .rows[0]?.n,
    );
    const cost = async (query: string) => {
      const before = statementCount();
      const result = await stack.query<{ products: Record<string, unknown> }>(query);
      expect(result.errors).toBeUndefined();
      return { statements: statementCount() - before, products: result.data?.products };
    };
    // Only the page: one statement, so no count(*).
    const page = await cost("{ products(first: 5) { nodes { id } pageInfo { hasNextPage endCursor } } }");
    expect(page.statements).toBe(1);
    // The page and exactly one count, with the same total as before the count became lazy.
    const counted = await cost("{ products(first: 5) { totalCount nodes { id } } }");
    expect(counted).toEqual({ statements: 2, products: { totalCount: active, nodes: expect.any(Array) } });
    const twice = await cost("{ products(first: 5) { a: totalCount b: totalCount edges { cursor } } }");
    expect(twice).toEqual({ statements: 2, products: { a: active, b: active, edges: expect.any(Array) } });
    // A filtered count still counts the filter (251: the 250 bulk products and the mug in Home).
    const home = await cost(`{ products(first: 1, filter: { categoryId: "${ids.home}" }) { totalCount } }`);
    expect(home).toEqual({ statements: 2, products: { totalCount: 251 } });
  });

  it("answers inStock from what the listing loaded: no extra statement, and still false for a DRAFT product", async () => {
    const cost = async (query: string, headers?: Record<string, string>) => {
      const before = statementCount();
      const result = await stack.query(query, {}, headers);
      expect(result.errors).toBeUndefined();
      return statementCount() - before;
    };
    const listing = (fields: string) => `{ products(first: 24) { nodes { variants { ${fields} } } } }`;
    expect(await cost(listing("sku availableQuantity inStock"))).toBe(await cost(listing("sku availableQuantity")));
    const one = (fields: string) => `{ product(id: "${ids.hoodie}") { variants { ${fields} } } }`;
    expect(await cost(one("sku inStock"))).toBe(await cost(one("sku")));
    // Stock on hand but not on sale: the product's status still decides.
    const draft = await adminQuery<{ product: { variants: { inStock: boolean; availableQuantity: number }[] } }>(
      `{ product(id: "${ids.draft}") { variants { inStock availableQuantity } } }`,
    );
    expect(draft.data?.product.variants).toEqual([{ inStock: false, availableQuantity: 5 }]);
  });
});

const statementCount = () => stack.subgraphs.catalog?.statementCount() ?? 0;

async function variantOf(productId: string): Promise<string> {
  const result = await adminQuery<{ product: { variants: { id: string }[] } }>(
    `{ product(id: "${productId}") { variants { id } } }`,
  );
  return result.data?.product.variants[0]?.id as string;
}

async function available(variantId: string): Promise<number> {
  const result = await internal.call<{ internalVariants: { availableQuantity: number }[] }>(
    "catalog",
    "query($ids: [ID!]!) { internalVariants(ids: $ids) { availableQuantity } }",
    { ids: [variantId] },
  );
  return result.internalVariants[0]?.availableQuantity ?? -1;
}
