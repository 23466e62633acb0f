import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GraphQLBody, type ParcelStack, startParcelStack } from "./fixtures/stack.js";

let stack: ParcelStack;

beforeAll(async () => {
  stack = await startParcelStack({ MAX_COST: "100" });
  for (let i = 0; i < 3; i += 1) stack.parcels.services.hub.add(`p${i}`, "alice");
});
afterAll(() => stack?.stop());

async function send(
  init: RequestInit & { path?: string },
): Promise<{ status: number; body: GraphQLBody; type: string }> {
  const response = await fetch(new URL(init.path ?? "/graphql", stack.router.url), init);
  const text = await response.text();
  return {
    status: response.status,
    body: JSON.parse(text) as GraphQLBody,
    type: response.headers.get("content-type") ?? "",
  };
}
const post = (body: unknown, headers: Record<string, string> = {}) =>
  send({
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const first = (body: GraphQLBody) => body.errors?.[0];

describe("operation limits, checked before anything runs", () => {
  it("refuses a query 50 levels deep", async () => {
    const query = `{ route { ${"next { ".repeat(49)}name${" }".repeat(49)} } }`;
    const { status, body } = await post({ query });
    expect(status).toBe(400);
    expect(first(body)).toMatchObject({
      message: "Query depth limit of 15 exceeded, found 51.",
      extensions: { code: "GRAPHQL_VALIDATION_FAILED", limit: "depth" },
    });
    expect(body.data).toBeUndefined();
  });

  it("accepts a query at the depth limit", async () => {
    const query = `{ route { ${"next { ".repeat(13)}name${" }".repeat(13)} } }`;
    const { status, body } = await post({ query });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });

  it("refuses 1,000 aliases", async () => {
    const aliases = Array.from({ length: 1_000 }, (_, i) => `a${i}: name`).join(" ");
    const { status, body } = await post({ query: `{ route { ${aliases} } }` });
    expect(status).toBe(400);
    expect(first(body)?.extensions).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED", limit: "aliases" });
  });

  it("refuses more root fields than allowed, counting fragments", async () => {
    const fields = Array.from({ length: 21 }, (_, i) => `r${i}: courierCount`);
    const { status, body } = await post({
      query: `query { ...Some } fragment Some on Query { ${fields.join(" ")} }`,
    });
    expect(status).toBe(400);
    expect(body.errors?.map((e) => e.extensions?.limit)).toContain("rootFields");
  });

  it("refuses too many directives", async () => {
    const { status, body } = await post({ query: `{ courierCount ${"@skip(if: false) ".repeat(51)}}` });
    expect(status).toBe(400);
    expect(body.errors?.map((e) => e.extensions?.limit)).toContain("directives");
  });

  it("stops parsing a document of too many tokens", async () => {
    const { status, body } = await post({ query: `{ courierCount ${"__typename ".repeat(6_000)}}` });
    expect(status).toBe(400);
    expect(first(body)?.extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
    expect(first(body)?.message).toMatch(/5000 tokens/);
  });

  it("counts list sizes into the cost, from literals, variables and defaults", async () => {
    const listing = "query($n: Int) { parcels(first: $n) { id status courier } }";
    // 1 + 10 × 3 = 31: within MAX_COST=100.
    expect((await post({ query: "{ parcels(first: 10) { id status courier } }" })).body.errors).toBeUndefined();
    expect((await post({ query: listing, variables: { n: 20 } })).body.errors).toBeUndefined();
    // 1 + 50 × 3 = 151.
    const literal = await post({ query: "{ parcels(first: 50) { id status courier } }" });
    expect(literal.status).toBe(400);
    expect(first(literal.body)).toMatchObject({
      message: "Operation cost limit of 100 exceeded, found 151.",
      extensions: { code: "GRAPHQL_VALIDATION_FAILED", limit: "cost", cost: 151 },
    });
    const variable = await post({ query: listing, variables: { n: 50 } });
    expect(first(variable.body)?.extensions).toMatchObject({ limit: "cost", cost: 151 });
    // The argument's default (10) when the variable is absent.
    expect((await post({ query: listing })).body.errors).toBeUndefined();
  });
});

describe("bad requests get a JSON error, and the router stays up", () => {
  it("answers a 3 MB body with 413", async () => {
    const { status, body, type } = await post({ query: `{ courierCount } # ${"x".repeat(3 * 1024 * 1024)}` });
    expect(status).toBe(413);
    expect(type).toMatch(/application\/json/);
    expect(first(body)).toMatchObject({
      message: "The request body is larger than the limit of 1000000 bytes.",
      extensions: { code: "PAYLOAD_TOO_LARGE" },
    });
  });

  it("refuses a batched array body with 400", async () => {
    const { status, body } = await post([{ query: "{ courierCount }" }, { query: "{ courierCount }" }]);
    expect(status).toBe(400);
    expect(first(body)?.extensions?.code).toBe("BAD_REQUEST");
  });

  it("answers malformed JSON with 400", async () => {
    const { status, body } = await post('{"query": "{ courierCount }"');
    expect(status).toBe(400);
    expect(first(body)).toMatchObject({
      message: "The request body is not valid JSON.",
      extensions: { code: "BAD_REQUEST" },
    });
  });

  it("refuses a mutation over GET", async () => {
    const query = encodeURIComponent('mutation { updateParcel(id: "p0", status: "LOST") { id } }');
    const { status, body } = await send({
      path: `/graphql?query=${query}`,
      headers: { "apollo-require-preflight": "true" },
    });
    expect(status).toBe(405);
    expect(first(body)?.extensions?.code).toBe("BAD_REQUEST");
    expect(stack.parcels.services.hub.parcels.get("p0")?.status).not.toBe("LOST");
  });

  it("refuses text/plain without a preflight header (CSRF) with 400", async () => {
    const { status, body } = await send({
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ query: 'mutation { updateParcel(id: "p0", status: "LOST") { id } }' }),
    });
    expect(status).toBe(400);
    expect(first(body)?.message).toMatch(/CSRF/);
    expect(stack.parcels.services.hub.parcels.get("p0")?.status).not.toBe("LOST");
  });

  it("is still up and answering", async () => {
    const { status, body } = await post({ query: "{ courierCount }" });
    expect(status).toBe(200);
    expect(body.data).toEqual({ courierCount: 1 });
  });
});

describe("automatic persisted queries", () => {
  it("registers a document under its hash and runs it by hash alone", async () => {
    const query = "{ courierCount }";
    const { createHash } = await import("node:crypto");
    const sha256Hash = createHash("sha256").update(query).digest("hex");
    const persistedQuery = { version: 1, sha256Hash };
    const unknown = await post({ extensions: { persistedQuery } });
    expect(first(unknown.body)?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    expect((await post({ query, extensions: { persistedQuery } })).body.data).toEqual({ courierCount: 1 });
    expect((await post({ extensions: { persistedQuery } })).body.data).toEqual({ courierCount: 1 });
    const mismatch = await post({ query: "{ __typename }", extensions: { persistedQuery } });
    expect(mismatch.status).toBe(400);
  });
});
