import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { describe, expect, it } from "vitest";
import type { SubgraphFetcher, SubgraphHttpResponse } from "../src/fetcher.js";
import { type RouterContext, SubgraphDataSource } from "../src/gateway.js";
import { createRouterMetrics } from "../src/metrics.js";
import type { RunningRouter } from "../src/router.js";
import { type GraphQLBody, useParcelStack } from "./fixtures/stack.js";

const parcelStack = useParcelStack();
const { closers } = parcelStack;

interface Seen {
  body: { query: string; variables?: Record<string, unknown> };
  authorization: string | undefined;
  requestId: string | undefined;
}

type Answer = (seen: Seen, res: http.ServerResponse) => void;

/** An answer as the parcels subgraph would give: the parcel's id names the caller it saw. */
const parcelsAnswer: Answer = (seen, res) => {
  const caller = seen.authorization
    ? createHash("sha256").update(seen.authorization).digest("hex").slice(0, 12)
    : "anonymous";
  const data = seen.body.query.includes("updateParcel")
    ? { updateParcel: { id: "p-1", status: "MOVED" } }
    : { parcels: [{ id: `for-${caller}`, status: "CREATED" }] };
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ data }));
};

/**
 * A stand-in for the parcels subgraph that counts the requests it gets and
 * holds every answer until `release` (so identical requests are in flight
 * together); once released, it answers at once.
 */
async function gatedParcels() {
  const seen: Seen[] = [];
  let held: (() => void)[] = [];
  let open = false;
  let answer: Answer = parcelsAnswer;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const one: Seen = {
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
        authorization: req.headers.authorization,
        requestId: req.headers["x-request-id"] as string | undefined,
      };
      seen.push(one);
      const respond = () => answer(one, res);
      if (open) respond();
      else held.push(respond);
    });
  });
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    seen,
    /** Answers every held request (with `with`, else as parcels would) and every later one at once. */
    release(with_?: Answer) {
      if (with_) answer = with_;
      open = true;
      const pending = held;
      held = [];
      for (const respond of pending) respond();
    },
    /** Never answers anything (for timeouts). */
    hang() {
      answer = () => {};
    },
  };
}

const router = (env: Record<string, string>) => parcelStack.router(env);

async function post(url: string, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLBody };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 3_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return condition();
}

const deduplicated = async (r: RunningRouter, subgraph = "parcels") =>
  (await r.metrics.subgraphFetchesDeduplicated.get()).values.find((v) => v.labels.subgraph === subgraph)?.value ?? 0;

const LIST = "{ parcels(first: 1) { id status } }";
const N = 10;

describe("identical subgraph fetches in flight at once (SUBGRAPH_DEDUPLICATION)", () => {
  it("N identical anonymous queries at once cause one subgraph request, and each gets the answer", async () => {
    const parcels = await gatedParcels();
    const r = await router({ PARCELS_URL: parcels.url });
    const answers = Array.from({ length: N }, () => post(r.url, LIST));
    expect(await until(async () => (await deduplicated(r)) === N - 1)).toBe(true);
    parcels.release();
    const results = await Promise.all(answers);
    for (const { status, body } of results) {
      expect(status).toBe(200);
      expect(body).toEqual({ data: { parcels: [{ id: "for-anonymous", status: "CREATED" }] } });
    }
    expect(parcels.seen).toHaveLength(1);
    // The one request counts as one fetch; the followers only in the counter.
    const fetches = (await r.metrics.subgraphFetchDuration.get()).values.filter(
      (v) => v.metricName === "subgraph_fetch_duration_seconds_count" && v.labels.subgraph === "parcels",
    );
    expect(fetches.reduce((sum, v) => sum + v.value, 0)).toBe(1);
    const exposed = await (await fetch(new URL("/metrics", r.url))).text();
    expect(exposed).toMatch(
      new RegExp(`^subgraph_fetches_deduplicated_total\\{[^}]*subgraph="parcels"[^}]*\\} ${N - 1}$`, "m"),
    );
  });

  it("never merges requests with different Authorization: each caller gets its own answer", async () => {
    const parcels = await gatedParcels();
    const r = await router({ PARCELS_URL: parcels.url });
    const tokens = await Promise.all(["alice", "bob", "carol"].map((user) => parcelStack.stack.issuer.sign(user)));
    // Each user twice, and an anonymous caller: 4 distinct callers, 7 requests.
    const callers = [...tokens, ...tokens, undefined];
    const answers = callers.map((token) => post(r.url, LIST, token ? { authorization: `Bearer ${token}` } : {}));
    expect(await until(() => parcels.seen.length === 4)).toBe(true);
    expect(await until(async () => (await deduplicated(r)) === 3)).toBe(true);
    parcels.release();
    const results = await Promise.all(answers);
    expect(parcels.seen).toHaveLength(4);
    expect(new Set(parcels.seen.map((s) => s.authorization)).size).toBe(4);
    callers.forEach((token, i) => {
      const caller = token ? createHash("sha256").update(`Bearer ${token}`).digest("hex").slice(0, 12) : "anonymous";
      expect(results[i]?.body).toEqual({ data: { parcels: [{ id: `for-${caller}`, status: "CREATED" }] } });
    });
  });

  it("never merges mutations", async () => {
    const parcels = await gatedParcels();
    const r = await router({ PARCELS_URL: parcels.url });
    const mutation = 'mutation { updateParcel(id: "p-1", status: "MOVED") { id status } }';
    const answers = Array.from({ length: 5 }, () => post(r.url, mutation));
    expect(await until(() => parcels.seen.length === 5)).toBe(true);
    parcels.release();
    for (const { body } of await Promise.all(answers)) {
      expect(body).toEqual({ data: { updateParcel: { id: "p-1", status: "MOVED" } } });
    }
    expect(parcels.seen).toHaveLength(5);
    expect(await deduplicated(r)).toBe(0);
  });

  it("keeps nothing once the answer is in: identical queries one after another each reach the subgraph", async () => {
    const parcels = await gatedParcels();
    parcels.release();
    const r = await router({ PARCELS_URL: parcels.url });
    for (let i = 0; i < 3; i += 1) {
      expect((await post(r.url, LIST)).body.errors).toBeUndefined();
    }
    expect(parcels.seen).toHaveLength(3);
    expect(await deduplicated(r)).toBe(0);
  });

  it("gives every follower the leader's failure as the same error: an HTTP error", async () => {
    const parcels = await gatedParcels();
    const r = await router({ PARCELS_URL: parcels.url });
    const answers = Array.from({ length: 5 }, () => post(r.url, LIST));
    expect(await until(async () => (await deduplicated(r)) === 4)).toBe(true);
    parcels.release((_seen, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html>bad gateway</html>");
    });
    for (const { body } of await Promise.all(answers)) {
      expect(body.data).toBeNull();
      expect(body.errors?.[0]).toMatchObject({
        message: "The parcels service answered HTTP 502.",
        extensions: { code: "SUBGRAPH_ERROR", serviceName: "parcels" },
      });
    }
    expect(parcels.seen).toHaveLength(1);
  });

  it("gives every follower the leader's failure as the same error: a timeout", async () => {
    const parcels = await gatedParcels();
    parcels.hang();
    const r = await router({ PARCELS_URL: parcels.url, PARCELS_TIMEOUT_MS: "1000" });
    const answers = Array.from({ length: 5 }, () => post(r.url, LIST));
    for (const { body } of await Promise.all(answers)) {
      expect(body.errors?.[0]).toMatchObject({
        message: "The parcels service did not answer within 1000 ms.",
        extensions: { code: "SUBGRAPH_TIMEOUT", serviceName: "parcels" },
      });
    }
    expect(parcels.seen).toHaveLength(1);
    expect(await deduplicated(r)).toBe(4);
  });

  it("gives every follower the leader's failure as the same error: the subgraph unreachable", async () => {
    const parcels = await gatedParcels();
    const r = await router({ PARCELS_URL: parcels.url });
    const answers = Array.from({ length: 5 }, () => post(r.url, LIST));
    expect(await until(async () => (await deduplicated(r)) === 4)).toBe(true);
    // Every socket dropped without an answer: the leader's query is retried once, then fails.
    parcels.release((_seen, res) => res.socket?.destroy());
    for (const { body } of await Promise.all(answers)) {
      expect(body.errors?.[0]).toMatchObject({
        message: "The parcels service is unavailable.",
        extensions: { code: "SUBGRAPH_UNAVAILABLE", serviceName: "parcels" },
      });
    }
    expect(parcels.seen).toHaveLength(2);
  });

  it("SUBGRAPH_DEDUPLICATION=false sends every fetch", async () => {
    const parcels = await gatedParcels();
    const r = await router({ PARCELS_URL: parcels.url, SUBGRAPH_DEDUPLICATION: "false" });
    const answers = Array.from({ length: 5 }, () => post(r.url, LIST));
    expect(await until(() => parcels.seen.length === 5)).toBe(true);
    parcels.release();
    for (const { body } of await Promise.all(answers)) expect(body.errors).toBeUndefined();
    expect(parcels.seen).toHaveLength(5);
    expect(await deduplicated(r)).toBe(0);
  });
});

describe("the data source's deduplication", () => {
  /** A fetcher whose answers wait for `release`, counting posts. */
  function heldFetcher() {
    const posts: { headers: Record<string, string>; body: string }[] = [];
    let release: (response: SubgraphHttpResponse) => void = () => {};
    const answer = new Promise<SubgraphHttpResponse>((resolve) => {
      release = resolve;
    });
    const fetcher = {
      post: async (_url: string, headers: Record<string, string>, body: string) => {
        posts.push({ headers, body });
        return answer;
      },
    } as unknown as SubgraphFetcher;
    return { fetcher, posts, release: (r: SubgraphHttpResponse) => release(r) };
  }

  const source = (fetcher: SubgraphFetcher) =>
    new SubgraphDataSource({
      name: "parcels",
      url: "http://parcels.test/graphql",
      fetcher,
      secret: "s".repeat(32),
      timeoutMs: 1_000,
      metrics: createRouterMetrics(),
      deduplicate: true,
    });

  const call = (
    ds: SubgraphDataSource,
    context: Partial<RouterContext>,
    { query = "{ parcels { id } }", operation = "query" as string | null } = {},
  ) =>
    ds.process({
      kind: "incoming operation",
      request: { query, variables: {} },
      incomingRequestContext: operation ? { operation: { operation } } : {},
      context,
    } as unknown as GraphQLDataSourceProcessOptions<RouterContext>);

  const ok: SubgraphHttpResponse = {
    status: 200,
    contentType: "application/json",
    text: '{"data":{"parcels":[{"id":"p-1"}]}}',
  };

  it("gives each caller its own copy, and keeps each caller's request id out of the key", async () => {
    const { fetcher, posts, release } = heldFetcher();
    const ds = source(fetcher);
    const first = call(ds, { requestId: "req-1", clientIp: "10.0.0.1", traceparent: "00-a-b-01" });
    const second = call(ds, { requestId: "req-2", clientIp: "10.0.0.1" });
    release(ok);
    const [a, b] = await Promise.all([first, second]);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.headers["x-request-id"]).toBe("req-1");
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    expect(a.data).not.toBe(b.data);
    (a.data as { parcels: unknown[] }).parcels.length = 0;
    expect(b.data).toEqual({ parcels: [{ id: "p-1" }] });
  });

  it("does not merge across client addresses, Authorization, variables or operations that are not queries", async () => {
    const { fetcher, posts, release } = heldFetcher();
    const ds = source(fetcher);
    const calls = [
      call(ds, { clientIp: "10.0.0.1" }),
      call(ds, { clientIp: "10.0.0.2" }),
      call(ds, { clientIp: "10.0.0.1", authorization: "Bearer a" }),
      call(ds, { clientIp: "10.0.0.1", authorization: "Bearer b" }),
      call(ds, { clientIp: "10.0.0.1" }, { query: "{ parcels(first: 2) { id } }" }),
      // A client mutation's entity fetches are queries: still not merged.
      call(ds, { clientIp: "10.0.0.1" }, { operation: "mutation" }),
      call(ds, { clientIp: "10.0.0.1" }, { operation: "mutation" }),
      // No resolved operation (a subscription's event): not merged.
      call(ds, { clientIp: "10.0.0.1" }, { operation: null }),
      call(ds, { clientIp: "10.0.0.1" }, { operation: "subscription" }),
      // The fetch itself a mutation under a query (cannot happen): not merged.
      call(ds, { clientIp: "10.0.0.1" }, { query: "mutation { parcels { id } }" }),
      call(ds, { clientIp: "10.0.0.1" }, { query: "mutation { parcels { id } }" }),
    ];
    release(ok);
    await Promise.all(calls);
    expect(posts).toHaveLength(calls.length);
  });
});
