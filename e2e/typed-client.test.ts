import path from "node:path";
import { catalog } from "@retailer/catalog";
import { type AnySubgraph, printSubgraphSdl, subgraphSchema } from "@retailer/kit";
import { composeSupergraph, type RunningRouter, startRouter } from "@retailer/router";
import { ADMIN_EMAIL, ADMIN_PASSWORD, type Stack, startStack } from "@retailer/testing";
import { users } from "@retailer/users";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MeDocument,
  ProductsDocument,
  SignInDocument,
  SignUpDocument,
  type TypedDocumentString,
} from "./generated/graphql.js";

/**
 * The operations of e2e/documents/*.graphql, generated into typed documents by
 * GraphQL Code Generator (codegen.ts), run through the router by a small typed
 * client as a frontend would write one: results and variables are checked by tsc.
 */
interface Result<R> {
  data?: R | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function execute<R, V>(
  url: string,
  document: TypedDocumentString<R, V>,
  variables: V,
  options: { token?: string; byHash?: boolean } = {},
): Promise<Result<R>> {
  const hash = String(document.__meta__?.hash ?? "");
  const body = options.byHash ? { documentId: hash, variables } : { query: document.toString(), variables };
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Result<R>;
}

let stack: Stack;

beforeAll(async () => {
  stack = await startStack([users, catalog]);
  const db = stack.subgraphs.catalog?.database.db;
  if (!db) throw new Error("no catalog");
  const product = await sql<{ id: string }>`
    insert into catalog.product (slug, name, status) values ('typed-tee', 'Typed Tee', 'ACTIVE') returning id`.execute(
    db,
  );
  await sql`
    insert into catalog.variant (product_id, sku, name, price, currency, on_hand)
    values (${product.rows[0]?.id}, 'TT-M', 'M', 2500, 'USD', 4)`.execute(db);
});
afterAll(() => stack?.stop());

describe("typed documents through the router", () => {
  it("lists products", async () => {
    const { data, errors } = await execute(stack.router.url, ProductsDocument, { first: 5 });
    expect(errors).toBeUndefined();
    const tee = data?.products.nodes.find((product) => product.name === "Typed Tee");
    expect(tee?.variants).toEqual([{ sku: "TT-M", inStock: true, price: { amount: 2500, currencyCode: "USD" } }]);
    expect(data?.products.pageInfo.hasNextPage).toBe(false);
  });

  it("signs up, signs in and reads me with the token", async () => {
    const email = "typed-client@retailer.test";
    const signedUp = await execute(stack.router.url, SignUpDocument, {
      input: { email, password: "password-123", name: "Typed Client" },
    });
    expect(signedUp.data?.signUp.userErrors).toEqual([]);
    const signedIn = await execute(stack.router.url, SignInDocument, { input: { email, password: "password-123" } });
    const token = signedIn.data?.signIn.accessToken;
    expect(token).toBeTruthy();
    const me = await execute(stack.router.url, MeDocument, {}, { token: token as string });
    expect(me.data?.me).toEqual({ id: signedIn.data?.signIn.user?.id, email, name: "Typed Client", role: "CUSTOMER" });
  });
});

describe("the generated persisted-documents.json as the router's TRUSTED_DOCUMENTS", () => {
  let trusted: RunningRouter;

  beforeAll(async () => {
    const { supergraphSdl } = composeSupergraph(
      await Promise.all(
        ([users, catalog] as AnySubgraph[]).map(async (definition) => ({
          name: definition.name,
          url: stack.subgraphs[definition.name]?.url as string,
          sdl: printSubgraphSdl(await subgraphSchema(definition)),
        })),
      ),
    );
    trusted = await startRouter({
      env: {
        ...stack.env,
        TRUSTED_DOCUMENTS: path.resolve(import.meta.dirname, "generated/persisted-documents.json"),
      },
      port: 0,
      supergraphSdl,
    });
  });
  afterAll(() => trusted?.stop());

  it("runs the generated operations by hash, and nothing else", async () => {
    const signedIn = await execute(
      trusted.url,
      SignInDocument,
      { input: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } },
      { byHash: true },
    );
    const token = signedIn.data?.signIn.accessToken as string;
    expect(token).toBeTruthy();
    const me = await execute(trusted.url, MeDocument, {}, { token, byHash: true });
    expect(me.data?.me?.role).toBe("ADMIN");
    const listed = await execute(trusted.url, ProductsDocument, { first: 1 }, { byHash: true });
    expect(listed.data?.products.totalCount).toBeGreaterThanOrEqual(1);

    const response = await fetch(trusted.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ me { id email } }" }),
    });
    expect(response.status).toBe(400);
    const refused = (await response.json()) as Result<unknown>;
    expect(refused.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_IN_LIST");
  });
});
