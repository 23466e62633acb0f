import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { SubgraphFetcher } from "../src/fetcher.js";
import { type GraphQLBody, useParcelStack } from "./fixtures/stack.js";

const parcelStack = useParcelStack();
const { closers } = parcelStack;

/** A local HTTP server answering each request with `handle`; closed after the tests. */
async function server(handle: http.RequestListener): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const s = http.createServer((req, res) => {
    requests += 1;
    handle(req, res);
  });
  s.listen(0, "127.0.0.1");
  await new Promise((resolve) => s.once("listening", resolve));
  closers.push(async () => {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  });
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/graphql`, requests: () => requests };
}

const router = (env: Record<string, string>) => parcelStack.router(env);

async function post(url: string, query: string, headers: Record<string, string> = {}) {
  const started = Date.now();
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLBody, ms: Date.now() - started };
}

describe("what the router forwards", () => {
  it("sends subgraphs its own signature, client address and a sane request id, whatever the client sent", async () => {
    const { status, body } = await post(parcelStack.stack.router.url, "{ requestSeen }", {
      "x-client-ip": "6.6.6.6",
      "x-retailer-signature": "t=1,v1=00",
      "x-request-id": "not a valid id!",
    });
    expect(status).toBe(200);
    const seen = JSON.parse(body.data?.requestSeen as string) as { clientIp: string; requestId: string };
    expect(seen.clientIp).toMatch(/127\.0\.0\.1$/);
    expect(seen.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await post(parcelStack.stack.router.url, "{ requestSeen }", { "x-request-id": "req-42" });
    expect(JSON.parse(kept.body.data?.requestSeen as string).requestId).toBe("req-42");
  });
});

describe("a subgraph that fails", () => {
  it("times out after <NAME>_TIMEOUT_MS with SUBGRAPH_TIMEOUT naming it, never hanging", async () => {
    const hanging = await server(() => {});
    const impatient = await router({ COURIERS_URL: hanging.url, COURIERS_TIMEOUT_MS: "300" });
    const { status, body, ms } = await post(impatient.url, "{ courierCount }");
    expect(status).toBe(200);
    expect(body.errors?.[0]).toMatchObject({
      message: "The couriers service did not answer within 300 ms.",
      extensions: { code: "SUBGRAPH_TIMEOUT", serviceName: "couriers" },
    });
    expect(ms).toBeLessThan(1_500);
  });

  it("answering garbage gives SUBGRAPH_ERROR naming it, without its internals", async () => {
    const broken = await server((_req, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html>upstream exploded at /srv/internal/path</html>");
    });
    const unlucky = await router({ COURIERS_URL: broken.url });
    const { body } = await post(unlucky.url, "{ courierCount }");
    expect(body.errors?.[0]).toMatchObject({
      message: "The couriers service answered HTTP 502.",
      extensions: { code: "SUBGRAPH_ERROR", serviceName: "couriers" },
    });
    expect(JSON.stringify(body)).not.toContain("/srv/internal");
  });

  it("keeps a subgraph's own GraphQL errors, whatever the HTTP status", async () => {
    const refusing = await server((_req, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ errors: [{ message: "No.", extensions: { code: "UNAUTHENTICATED" } }] }));
    });
    const routed = await router({ COURIERS_URL: refusing.url });
    const { body } = await post(routed.url, "{ courierCount }");
    expect(body.errors?.[0]).toMatchObject({ message: "No.", extensions: { code: "UNAUTHENTICATED" } });
  });

  it("down during a query: the other subgraph's data and an error naming the missing one, at once", async () => {
    parcelStack.stack.parcels.services.hub.add("down-1", "alice");
    const query = '{ parcel(id: "down-1") { id } courierCount }';
    expect((await post(parcelStack.stack.router.url, query)).body.errors).toBeUndefined();
    await parcelStack.stack.stopParcels();
    try {
      const { status, body, ms } = await post(parcelStack.stack.router.url, query);
      expect(status).toBe(200);
      expect(body.data).toEqual({ parcel: null, courierCount: 1 });
      expect(body.errors?.[0]).toMatchObject({
        message: "The parcels service is unavailable.",
        extensions: { code: "SUBGRAPH_UNAVAILABLE", serviceName: "parcels" },
      });
      expect(ms).toBeLessThan(2_000);
    } finally {
      await parcelStack.stack.startParcels();
    }
    expect((await post(parcelStack.stack.router.url, query)).body.errors).toBeUndefined();
  });
});

describe("the subgraph fetcher", () => {
  /** A server that drops the first connection without answering, as a subgraph closing a kept-alive socket. */
  async function dropsFirst() {
    let dropped = false;
    return server((req, res) => {
      if (!dropped) {
        dropped = true;
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"data":{"ok":true}}');
    });
  }

  it("retries a query once on a dropped connection, and never a mutation", async () => {
    const fetcher = new SubgraphFetcher({ connections: 4 });
    closers.push(() => fetcher.close());
    const forQuery = await dropsFirst();
    const answered = await fetcher.post(forQuery.url, { "content-type": "application/json" }, "{}", {
      timeoutMs: 2_000,
      retryStaleConnection: true,
    });
    expect(answered.text).toBe('{"data":{"ok":true}}');
    expect(forQuery.requests()).toBe(2);

    const forMutation = await dropsFirst();
    await expect(
      fetcher.post(forMutation.url, { "content-type": "application/json" }, "{}", {
        timeoutMs: 2_000,
        retryStaleConnection: false,
      }),
    ).rejects.toMatchObject({ reason: "unavailable" });
    expect(forMutation.requests()).toBe(1);
  });

  it("reuses kept-alive connections", async () => {
    const sockets = new Set<unknown>();
    const counting = await server((req, res) => {
      sockets.add(req.socket);
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
    const fetcher = new SubgraphFetcher({ connections: 4 });
    closers.push(() => fetcher.close());
    for (let i = 0; i < 20; i += 1) {
      await fetcher.post(counting.url, {}, "{}", { timeoutMs: 1_000, retryStaleConnection: true });
    }
    // 20 requests, one or two sockets (undici may open the next before the last is back in the pool).
    expect(sockets.size).toBeLessThanOrEqual(2);
  });
});
