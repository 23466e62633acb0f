import type { Client } from "graphql-ws";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import WebSocket from "ws";
import { type ParcelStack, startParcelStack } from "./fixtures/stack.js";
import { collect, connect, waitUntil } from "./fixtures/ws-client.js";

const MAX_SUBSCRIPTIONS = 5;
const MAX_CONNECTIONS = 8;
const TRACK = "subscription Track($id: ID!) { parcelUpdated(id: $id) { id status courier } }";

let stack: ParcelStack;
let alice: string;
let bob: string;

beforeAll(async () => {
  stack = await startParcelStack({
    WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: String(MAX_SUBSCRIPTIONS),
    WS_MAX_CONNECTIONS_PER_CLIENT: String(MAX_CONNECTIONS),
  });
  alice = await stack.issuer.sign("alice");
  bob = await stack.issuer.sign("bob");
});
afterAll(() => stack?.stop());

/** Every socket a test opens is closed after it, whatever happened. */
const opened: (Client | WebSocket)[] = [];
afterEach(async () => {
  const all = opened.splice(0);
  await Promise.all(all.map((c) => (c instanceof WebSocket ? c.close() : c.dispose())));
});
const client = (token?: string): ReturnType<typeof connect> => {
  const made = connect(stack.wsUrl, token);
  opened.push(made);
  return made;
};

const hub = () => stack.parcels.services.hub;
const watched = (id: string, count = 1) => waitUntil(() => hub().watchers(id) === count, 5_000, `${count} on ${id}`);
let parcelCount = 0;
/** A new parcel owned by `owner`. */
function parcel(owner: string): string {
  parcelCount += 1;
  const id = `parcel-${parcelCount}`;
  hub().add(id, owner);
  return id;
}
const codeOf = (errors: unknown) => (errors as { extensions?: { code?: string } }[] | undefined)?.[0]?.extensions?.code;

const activeSubscriptions = async () => (await stack.router.metrics.subscriptionsActive.get()).values[0]?.value;
const openSockets = async () => (await stack.router.metrics.websocketConnections.get()).values[0]?.value;

/** A sample's value in Prometheus text, whatever the order of its labels. */
function sample(metrics: string, name: string, labels: Record<string, string>): number | undefined {
  const line = metrics
    .split("\n")
    .find(
      (l) =>
        l.startsWith(`${name}{`) && Object.entries(labels).every(([key, value]) => l.includes(`${key}="${value}"`)),
    );
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : undefined;
}

describe("federated subscriptions", () => {
  it("delivers each change with fields from both subgraphs, within a second", async () => {
    const id = parcel("alice");
    const sub = collect(client(alice), TRACK, { id });
    await watched(id);
    for (const [index, status] of ["PACKED", "SHIPPED"].entries()) {
      const sent = Date.now();
      // Through the router, as a client would change it.
      const changed = await stack.post("mutation($id: ID!, $s: String!) { updateParcel(id: $id, status: $s) { id } }", {
        id,
        s: status,
      });
      expect(changed.body.errors).toBeUndefined();
      const results = await sub.waitFor(index + 1);
      expect(Date.now() - sent).toBeLessThan(1_000);
      expect(results.at(-1)).toEqual({ data: { parcelUpdated: { id, status, courier: `courier of ${id}` } } });
    }
  });

  it("carries each subscriber's own token upstream and on every entity fetch, over one shared connection", async () => {
    const aliceParcel = parcel("alice");
    const bobParcel = parcel("bob");
    const subs = [collect(client(alice), TRACK, { id: aliceParcel }), collect(client(bob), TRACK, { id: bobParcel })];
    await watched(aliceParcel);
    await watched(bobParcel);
    hub().update(aliceParcel, "PACKED");
    hub().update(bobParcel, "PACKED");
    await Promise.all(subs.map((sub) => sub.waitFor(1)));
    const subscribers = hub().subscribers.filter((s) => [aliceParcel, bobParcel].includes(s.parcelId));
    expect(subscribers.map((s) => [s.parcelId, s.viewerId]).sort()).toEqual([
      [aliceParcel, "alice"],
      [bobParcel, "bob"],
    ]);
    expect(subscribers[0]?.tokenExpiresAt).toBeGreaterThan(Date.now() / 1000);
    expect(stack.couriers.services.seen).toEqual(
      expect.arrayContaining([
        { parcelId: aliceParcel, viewerId: "alice" },
        { parcelId: bobParcel, viewerId: "bob" },
      ]),
    );
    expect(stack.couriers.services.seen.filter((s) => s.parcelId === aliceParcel).map((s) => s.viewerId)).toEqual([
      "alice",
    ]);
    // Two subscribers, one router-to-subgraph socket.
    const metrics = await (await fetch(new URL("/metrics", stack.parcels.url))).text();
    expect(sample(metrics, "websocket_connections", { service: "parcels" })).toBe(1);
  });

  it("shares an event's entity fetch only among subscribers with the same document, variables and token", async () => {
    const id = parcel("alice");
    const admin = await stack.issuer.sign("admin-1", { role: "ADMIN" });
    // The same customer with another token (another expiry): another Authorization, so not shared.
    const aliceAgain = await stack.issuer.sign("alice", { ttlSeconds: 901 });
    const OTHER_DOCUMENT = "subscription Track($id: ID!) { parcelUpdated(id: $id) { id courier } }";
    const alices = client(alice);
    const alike = [1, 2, 3].map(() => collect(alices, TRACK, { id }));
    const otherDocument = collect(alices, OTHER_DOCUMENT, { id });
    const otherViewer = collect(client(admin), TRACK, { id });
    const otherToken = collect(client(aliceAgain), TRACK, { id });
    // The three alike share one subgraph subscription; the others have one each.
    await watched(id, 4);
    const all = [...alike, otherDocument, otherViewer, otherToken];
    // Each entity fetch stays in flight long enough for every subscriber's event to arrive meanwhile.
    stack.couriers.services.delayMs = 300;
    onTestFinished(() => {
      stack.couriers.services.delayMs = 0;
    });
    hub().update(id, "PACKED");
    await Promise.all(all.map((sub) => sub.waitFor(1)));
    const expected = { data: { parcelUpdated: { id, status: "PACKED", courier: `courier of ${id}` } } };
    for (const sub of [...alike, otherViewer, otherToken]) expect(sub.results).toEqual([expected]);
    expect(otherDocument.results).toEqual([{ data: { parcelUpdated: { id, courier: `courier of ${id}` } } }]);
    // One fetch for the three alike, one each for the other document, the other viewer and the other token.
    const fetches = stack.couriers.services.seen.filter((s) => s.parcelId === id).map((s) => s.viewerId);
    expect(fetches.sort()).toEqual(["admin-1", "alice", "alice", "alice"]);

    // The next event is resolved afresh (nothing is kept once a fetch settles), still once for the three.
    hub().update(id, "SHIPPED");
    await Promise.all(all.map((sub) => sub.waitFor(2)));
    for (const sub of alike) expect(sub.results.at(-1)?.data).toMatchObject({ parcelUpdated: { status: "SHIPPED" } });
    expect(stack.couriers.services.seen.filter((s) => s.parcelId === id)).toHaveLength(8);
  });

  it("opens one subgraph subscription for identical subscribers, closed when the last one leaves", async () => {
    const id = parcel("alice");
    const sockets = [client(alice), client(alice), client(alice)];
    const subs = sockets.map((socket) => collect(socket, TRACK, { id }));
    const bobs = collect(client(bob), TRACK, { id });
    await bobs.ended;
    expect(codeOf(bobs.results[0]?.errors)).toBe("FORBIDDEN");
    await watched(id, 1);
    expect(hub().subscribers.filter((s) => s.parcelId === id)).toHaveLength(1);
    hub().update(id, "PACKED");
    await Promise.all(subs.map((sub) => sub.waitFor(1)));
    for (const sub of subs)
      expect(sub.results).toEqual([{ data: { parcelUpdated: { id, status: "PACKED", courier: `courier of ${id}` } } }]);
    // Leaving one by one: the subgraph subscription stays while anyone is on it.
    subs[0]?.unsubscribe();
    await sockets[1]?.dispose();
    hub().update(id, "SHIPPED");
    await subs[2]?.waitFor(2);
    expect(subs[0]?.results).toHaveLength(1);
    expect(hub().watchers(id)).toBe(1);
    // A late joiner gets the events from then on.
    const late = collect(client(alice), TRACK, { id });
    await waitUntil(async () => (await activeSubscriptions()) === 2, 2_000, "the late subscriber");
    hub().update(id, "DELIVERED");
    expect((await late.waitFor(1)).map((r) => r.data?.parcelUpdated)).toEqual([
      { id, status: "DELIVERED", courier: `courier of ${id}` },
    ]);
    expect(hub().watchers(id)).toBe(1);
    subs[2]?.unsubscribe();
    late.unsubscribe();
    await waitUntil(() => hub().watchers(id) === 0, 1_000, "the last one to close it");
  });

  it("refuses another customer's parcel with the subgraph's error, for that subscription only", async () => {
    const bobs = client(bob);
    const own = parcel("bob");
    const allowed = collect(bobs, TRACK, { id: own });
    const refused = collect(bobs, TRACK, { id: parcel("alice") });
    await refused.ended;
    expect(codeOf(refused.results[0]?.errors)).toBe("FORBIDDEN");
    expect(refused.completed).toBe(true);
    await watched(own);
    hub().update(own, "PACKED");
    expect((await allowed.waitFor(1))[0]?.data).toEqual({
      parcelUpdated: { id: own, status: "PACKED", courier: `courier of ${own}` },
    });
  });

  it("an anonymous subscriber gets UNAUTHENTICATED from the subgraph", async () => {
    const sub = collect(client(), TRACK, { id: parcel("alice") });
    await sub.ended;
    expect(codeOf(sub.results[0]?.errors)).toBe("UNAUTHENTICATED");
  });

  it("closes the upstream subscription at once when the client unsubscribes or disconnects", async () => {
    const alices = client(alice);
    const [one, two] = [parcel("alice"), parcel("alice")];
    const first = collect(alices, TRACK, { id: one });
    collect(alices, TRACK, { id: two });
    await watched(one);
    await watched(two);
    first.unsubscribe();
    await waitUntil(() => hub().watchers(one) === 0, 1_000, "the subgraph to see the complete");
    expect(hub().watchers(two)).toBe(1);
    await alices.dispose();
    await waitUntil(() => hub().watchers(two) === 0, 1_000, "the subgraph to see the disconnect");
  });

  it("ends a subscription with UNAUTHENTICATED when the subscriber's token expires", async () => {
    const shortLived = await stack.issuer.sign("alice", { ttlSeconds: 2 });
    const alices = client(shortLived);
    const id = parcel("alice");
    const sub = collect(alices, TRACK, { id });
    await watched(id);
    const started = Date.now();
    await sub.ended;
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(sub.results.at(-1)?.errors?.[0]).toMatchObject({
      message: "The access token has expired.",
      extensions: { code: "UNAUTHENTICATED" },
    });
    expect(sub.completed).toBe(true);
    await waitUntil(() => hub().watchers(id) === 0, 1_000, "the upstream subscription to close");
    // The same connection cannot subscribe again with the expired token.
    const again = collect(alices, TRACK, { id });
    await again.ended;
    expect(codeOf(again.error)).toBe("UNAUTHENTICATED");
  });
});

describe("bad input over graphql-ws", () => {
  it("closes a connection whose connection_init token is bad with 4403", async () => {
    const forged = `${alice.slice(0, -4)}AAAA`;
    for (const token of [forged, "not-a-jwt"]) {
      const refused = client(token);
      await collect(refused, TRACK, { id: "x" }).ended;
      expect(refused.closes[0]?.code).toBe(4403);
    }
  });

  it("refuses a subscription to an unknown field, a query and a malformed document, each alone", async () => {
    const alices = client(alice);
    const unknown = collect(alices, "subscription { parcelDeleted { id } }");
    const query = collect(alices, "{ courierCount }");
    const malformed = collect(alices, "subscription {");
    for (const sub of [unknown, query, malformed]) await sub.ended;
    expect(codeOf(unknown.error)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(codeOf(query.error)).toBe("BAD_REQUEST");
    expect(codeOf(malformed.error)).toBe("GRAPHQL_PARSE_FAILED");
    // The connection is still good.
    const id = parcel("alice");
    const good = collect(alices, TRACK, { id });
    await watched(id);
    hub().update(id, "PACKED");
    await good.waitFor(1);
  });

  it(`caps subscriptions per connection at ${MAX_SUBSCRIPTIONS}: 1,000 subscribe messages harm no one`, async () => {
    const bobParcel = parcel("bob");
    const watching = collect(client(bob), TRACK, { id: bobParcel });
    await watched(bobParcel);

    const id = parcel("alice");
    const socket = new WebSocket(stack.wsUrl, "graphql-transport-ws");
    opened.push(socket);
    const messages: { id?: string; type: string; payload?: unknown }[] = [];
    socket.on("message", (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${alice}` } }));
    await waitUntil(() => messages.some((m) => m.type === "connection_ack"));
    for (let i = 0; i < 1_000; i += 1) {
      socket.send(JSON.stringify({ id: `s${i}`, type: "subscribe", payload: { query: TRACK, variables: { id } } }));
    }
    const refusals = () => messages.filter((m) => m.type === "error");
    await waitUntil(() => refusals().length === 1_000 - MAX_SUBSCRIPTIONS, 10_000, "the refusals");
    expect(new Set(refusals().map((m) => codeOf(m.payload)))).toEqual(new Set(["TOO_MANY_SUBSCRIPTIONS"]));
    // The five accepted are identical: the subgraph sees one subscription for them.
    await waitUntil(async () => (await activeSubscriptions()) === MAX_SUBSCRIPTIONS + 1, 5_000, "the accepted five");
    await watched(id, 1);

    // The others still get their events, and the flooding socket its own.
    hub().update(bobParcel, "PACKED");
    hub().update(id, "PACKED");
    await watching.waitFor(1);
    await waitUntil(() => messages.filter((m) => m.type === "next").length === MAX_SUBSCRIPTIONS);
    // Ending one frees a slot.
    socket.send(JSON.stringify({ id: "s0", type: "complete" }));
    await waitUntil(async () => (await activeSubscriptions()) === MAX_SUBSCRIPTIONS, 5_000, "s0 to end");
    socket.send(JSON.stringify({ id: "again", type: "subscribe", payload: { query: TRACK, variables: { id } } }));
    await waitUntil(async () => (await activeSubscriptions()) === MAX_SUBSCRIPTIONS + 1, 5_000, "again to start");
    expect(messages.some((m) => m.id === "again" && m.type === "error")).toBe(false);
    socket.close();
    await watched(id, 0);
  });

  it(`caps connections per client address at ${MAX_CONNECTIONS} with HTTP 429`, async () => {
    const open = async () => {
      const socket = new WebSocket(stack.wsUrl, "graphql-transport-ws");
      opened.push(socket);
      // A refused upgrade also fails the socket: that is the point here.
      socket.on("error", () => {});
      return new Promise<{ socket: WebSocket; status: number }>((resolve) => {
        socket.once("open", () => resolve({ socket, status: 101 }));
        socket.once("unexpected-response", (_req, res) => resolve({ socket, status: res.statusCode ?? 0 }));
      });
    };
    // Sockets of the tests before are closed, and the router has seen it.
    await waitUntil(async () => (await openSockets()) === 0, 2_000, "no sockets");
    const sockets = [];
    for (let i = 0; i < MAX_CONNECTIONS; i += 1) sockets.push(await open());
    expect(sockets.map((s) => s.status)).toEqual(Array(MAX_CONNECTIONS).fill(101));
    expect((await open()).status).toBe(429);
    sockets[0]?.socket.close();
    await waitUntil(async () => (await openSockets()) === MAX_CONNECTIONS - 1);
    expect((await open()).status).toBe(101);
  });

  it("answers a subscription sent over HTTP with 400 naming graphql-ws", async () => {
    const { status, body } = await stack.post(TRACK, { id: "x" }, { authorization: `Bearer ${alice}` });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/graphql-ws/);
  });

  it("reports active subscriptions, websocket connections, subgraph fetches and errors in /metrics", async () => {
    const id = parcel("alice");
    const sub = collect(client(alice), TRACK, { id });
    await watched(id);
    hub().update(id, "PACKED");
    await sub.waitFor(1);
    const metrics = await (await fetch(new URL("/metrics", stack.router.url))).text();
    expect(sample(metrics, "graphql_subscriptions_active", { service: "router" })).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, "websocket_connections", { service: "router" })).toBeGreaterThanOrEqual(1);
    expect(
      sample(metrics, "subgraph_fetch_duration_seconds_count", { subgraph: "couriers", outcome: "ok" }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, "graphql_errors_total", { code: "TOO_MANY_SUBSCRIPTIONS" })).toBe(1_000 - MAX_SUBSCRIPTIONS);
  });
});

describe("when the subgraph goes away", () => {
  it("completes its subscriptions with SUBGRAPH_CONNECTION_LOST, and a new subscription works once it is back", async () => {
    const id = parcel("alice");
    const alices = client(alice);
    const sub = collect(alices, TRACK, { id });
    await watched(id);
    await stack.stopParcels();
    await sub.ended;
    expect(sub.results.at(-1)?.errors?.[0]?.extensions).toMatchObject({
      code: "SUBGRAPH_CONNECTION_LOST",
      serviceName: "parcels",
    });
    expect(sub.completed).toBe(true);

    // While it is down, a subscription fails at once with the same code.
    const meanwhile = collect(alices, TRACK, { id });
    await meanwhile.ended;
    expect(codeOf(meanwhile.results.at(-1)?.errors)).toBe("SUBGRAPH_CONNECTION_LOST");

    await stack.startParcels();
    hub().add(id, "alice");
    const again = collect(alices, TRACK, { id });
    await watched(id);
    hub().update(id, "DELIVERED");
    expect((await again.waitFor(1))[0]?.data).toEqual({
      parcelUpdated: { id, status: "DELIVERED", courier: `courier of ${id}` },
    });
  });
});

describe("graceful shutdown", () => {
  it("completes every subscription before closing the sockets", async () => {
    const alices = client(alice);
    const ids = [parcel("alice"), parcel("alice")];
    const subs = ids.map((id) => collect(alices, TRACK, { id }));
    for (const id of ids) await watched(id);
    await stack.router.stop();
    await Promise.all(subs.map((sub) => sub.ended));
    expect(subs.map((sub) => [sub.completed, sub.error])).toEqual([
      [true, undefined],
      [true, undefined],
    ]);
    for (const id of ids) await waitUntil(() => hub().watchers(id) === 0, 2_000, "upstream subscriptions to close");
  });
});
