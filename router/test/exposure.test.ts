import { createHash } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConfigError } from "@retailer/kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningRouter, startRouter } from "../src/router.js";
import type { GraphQLBody, ParcelStack } from "./fixtures/stack.js";
import { startParcelStack } from "./fixtures/stack.js";
import { collect, connect } from "./fixtures/ws-client.js";

let stack: ParcelStack;
const routers: RunningRouter[] = [];

beforeAll(async () => {
  stack = await startParcelStack();
  stack.parcels.services.hub.add("p1", "alice");
});
afterAll(async () => {
  await Promise.all(routers.map((router) => router.stop()));
  await stack?.stop();
});

/** Another router over the same subgraphs, with some settings changed. */
async function router(env: Record<string, string>): Promise<RunningRouter> {
  const started = await startRouter({ env: { ...stack.env, ...env }, port: 0, supergraphSdl: stack.supergraphSdl });
  routers.push(started);
  return started;
}

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: GraphQLBody }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as GraphQLBody };
}
const landingPage = async (url: string) => (await fetch(url, { headers: { accept: "text/html" } })).text();
const INTROSPECTION = "{ __schema { queryType { name } } }";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("in development", () => {
  it("serves Apollo Sandbox with the graphql-ws subscription endpoint", async () => {
    const html = await landingPage(stack.router.url);
    expect(html).toContain("EmbeddedSandbox");
    expect(html).toContain("initialSubscriptionEndpoint: subscriptions");
    expect(html).toContain('endpoint.replace(/^http/, "ws")');
  });

  it("answers introspection and suggests field names", async () => {
    expect((await post(stack.router.url, { query: INTROSPECTION })).body.data).toEqual({
      __schema: { queryType: { name: "Query" } },
    });
    const typo = await post(stack.router.url, { query: "{ courierCont }" });
    expect(typo.body.errors?.[0]?.message).toMatch(/Did you mean "courierCount"\?/);
  });

  it("lets any origin call it (CORS)", async () => {
    const response = await fetch(stack.router.url, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:3000", "access-control-request-method": "POST" },
    });
    expect(response.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
  });
});

describe("in production (NODE_ENV=production)", () => {
  let production: RunningRouter;
  beforeAll(async () => {
    production = await router({ NODE_ENV: "production", CORS_ORIGINS: "https://shop.example, https://admin.example" });
  });

  it("refuses introspection and serves no Sandbox", async () => {
    const { status, body } = await post(production.url, { query: INTROSPECTION });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(await landingPage(production.url)).not.toContain("EmbeddedSandbox");
  });

  it("hides field suggestions, over HTTP and graphql-ws", async () => {
    const typo = await post(production.url, { query: "{ courierCont }" });
    expect(typo.body.errors?.[0]?.message).toBe('Cannot query field "courierCont" on type "Query".');
    const client = connect(production.url.replace(/^http/, "ws"));
    const sub = collect(client, "subscription { parcelUpdate(id: 1) { id } }");
    await sub.ended;
    expect((sub.error as { message: string }[])[0]?.message).toBe(
      'Cannot query field "parcelUpdate" on type "Subscription".',
    );
    await client.dispose();
  });

  it("answers errors without stack traces or internals", async () => {
    const failing = 'mutation { updateParcel(id: "missing", status: "LOST") { id } }';
    const { body } = await post(production.url, { query: failing });
    expect(body.errors?.[0]).toEqual({
      message: "Internal server error",
      path: ["updateParcel"],
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
    // Development shows stack traces on errors (not on unexpected ones, which are masked everywhere).
    const typo = { query: "{ courierCont }" };
    expect((await post(stack.router.url, typo)).body.errors?.[0]?.extensions?.stacktrace).toBeDefined();
    expect((await post(production.url, typo)).body.errors?.[0]?.extensions).toEqual({
      code: "GRAPHQL_VALIDATION_FAILED",
    });
  });

  it("allows only the configured origins (CORS_ORIGINS)", async () => {
    const preflight = (origin: string) =>
      fetch(production.url, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });
    expect((await preflight("https://shop.example")).headers.get("access-control-allow-origin")).toBe(
      "https://shop.example",
    );
    expect((await preflight("https://admin.example")).headers.get("access-control-allow-origin")).toBe(
      "https://admin.example",
    );
    expect((await preflight("https://evil.example")).headers.get("access-control-allow-origin")).toBeNull();
  });

  it("serves introspection and Sandbox when ROUTER_INTROSPECTION=true", async () => {
    const open = await router({ NODE_ENV: "production", ROUTER_INTROSPECTION: "true" });
    expect((await post(open.url, { query: INTROSPECTION })).body.data).toBeDefined();
    expect(await landingPage(open.url)).toContain("EmbeddedSandbox");
  });
});

describe("trusted documents (TRUSTED_DOCUMENTS)", () => {
  const COUNT = "query Count { courierCount }";
  const TRACK = "subscription Track($id: ID!) { parcelUpdated(id: $id) { id status } }";
  let trusted: RunningRouter;
  let manifest: string;

  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "retailer-trusted-"));
    manifest = path.join(dir, "persisted-documents.json");
    await writeFile(manifest, JSON.stringify({ [sha256(COUNT)]: COUNT, [sha256(TRACK)]: TRACK }));
    trusted = await router({ TRUSTED_DOCUMENTS: manifest });
  });

  it("runs a listed operation by hash (APQ extension or documentId), or by its exact text", async () => {
    const byHash = await post(trusted.url, {
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(COUNT) } },
    });
    expect(byHash.body).toEqual({ data: { courierCount: 1 } });
    const byId = await post(trusted.url, { documentId: `sha256:${sha256(COUNT)}` });
    expect(byId.body).toEqual({ data: { courierCount: 1 } });
    expect((await post(trusted.url, { query: COUNT })).body).toEqual({ data: { courierCount: 1 } });
    const extensions = encodeURIComponent(
      JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha256(COUNT) } }),
    );
    const viaGet = await fetch(`${trusted.url}?extensions=${extensions}`, {
      headers: { "apollo-require-preflight": "1" },
    });
    expect(await viaGet.json()).toEqual({ data: { courierCount: 1 } });
  });

  it("refuses any other operation with PERSISTED_QUERY_NOT_IN_LIST, and an unknown hash with PERSISTED_QUERY_NOT_FOUND", async () => {
    const other = await post(trusted.url, { query: "{ courierCount }" });
    expect(other.status).toBe(400);
    expect(other.body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_IN_LIST");
    const unknown = await post(trusted.url, {
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256("{ __typename }") } },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    const get = await fetch(`${trusted.url}?query=${encodeURIComponent("{ courierCount }")}`, {
      headers: { "apollo-require-preflight": "1" },
    });
    expect(get.status).toBe(400);
  });

  it("applies to subscriptions too", async () => {
    const token = await stack.issuer.sign("alice");
    const client = connect(trusted.url.replace(/^http/, "ws"), token);
    const refused = collect(client, 'subscription { parcelUpdated(id: "p1") { id } }');
    await refused.ended;
    expect((refused.error as { extensions: { code: string } }[])[0]?.extensions.code).toBe(
      "PERSISTED_QUERY_NOT_IN_LIST",
    );
    const listed = collect(client, TRACK, { id: "p1" });
    const { hub } = stack.parcels.services;
    for (let i = 0; i < 100 && hub.watchers("p1") === 0; i += 1) await new Promise((r) => setTimeout(r, 10));
    hub.update("p1", "PACKED");
    expect((await listed.waitFor(1))[0]?.data).toEqual({ parcelUpdated: { id: "p1", status: "PACKED" } });
    await client.dispose();
  });

  it("refuses to start with a manifest whose hashes do not match", async () => {
    const bad = path.join(path.dirname(manifest), "bad.json");
    await writeFile(bad, JSON.stringify({ [sha256("{ a }")]: "{ b }" }));
    await expect(router({ TRUSTED_DOCUMENTS: bad })).rejects.toThrow(ConfigError);
    await expect(router({ TRUSTED_DOCUMENTS: path.join(path.dirname(manifest), "missing.json") })).rejects.toThrow(
      /TRUSTED_DOCUMENTS/,
    );
  });
});
