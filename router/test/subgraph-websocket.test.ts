import { mintServiceToken } from "@retailer/kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ParcelStack, startParcelStack } from "./fixtures/stack.js";
import { collect, connect, waitUntil } from "./fixtures/ws-client.js";

/** kit's graphql-ws side of a subgraph (startSubgraph turns it on for a schema with a Subscription type). */
let stack: ParcelStack;
let subgraphWs: string;
let service: string;

beforeAll(async () => {
  stack = await startParcelStack();
  subgraphWs = stack.parcels.url.replace(/^http/, "ws");
  service = await mintServiceToken(stack.env.INTERNAL_SECRET as string, "router");
});
afterAll(() => stack?.stop());

const TRACK = "subscription($id: ID!) { parcelUpdated(id: $id) { id status } }";
const hub = () => stack.parcels.services.hub;
const as = (authorization?: string) => ({ ...(authorization ? { authorization: `Bearer ${authorization}` } : {}) });

describe("a subgraph's graphql-ws endpoint", () => {
  it("refuses connections without a service token (4403), user tokens included", async () => {
    const user = await stack.issuer.sign("alice", { role: "ADMIN" });
    const forged = await mintServiceToken("z".repeat(40), "router");
    for (const token of [undefined, user, forged]) {
      const client = connect(subgraphWs, token);
      await collect(client, TRACK, { id: "x" }).ended;
      expect(client.closes[0]?.code).toBe(4403);
      await client.dispose();
    }
  });

  it("takes each subscriber's token from the subscribe extensions; a bad one fails only its subscription", async () => {
    hub().add("ws-1", "alice");
    const alice = await stack.issuer.sign("alice");
    const client = connect(subgraphWs, service);
    // graphql-ws's client has no per-subscribe extensions helper: send them with the payload.
    const good = collectWith(client, as(alice));
    const bad = collectWith(client, as("not.a.token"));
    const expired = collectWith(client, as(await stack.issuer.sign("alice", { ttlSeconds: -10 })));
    for (const sub of [bad, expired]) await sub.ended;
    expect(bad.results[0]?.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(expired.results[0]?.errors?.[0]).toMatchObject({
      message: "The access token has expired.",
      extensions: { code: "UNAUTHENTICATED" },
    });
    await waitUntil(() => hub().watchers("ws-1") === 1);
    expect(hub().subscribers.at(-1)).toMatchObject({ parcelId: "ws-1", viewerId: "alice" });
    hub().update("ws-1", "PACKED");
    expect((await good.waitFor(1))[0]).toEqual({ data: { parcelUpdated: { id: "ws-1", status: "PACKED" } } });
    await client.dispose();
  });

  it("ends a subscription when its subscriber's token expires", async () => {
    hub().add("ws-2", "alice");
    const client = connect(subgraphWs, service);
    const sub = collectWith(client, as(await stack.issuer.sign("alice", { ttlSeconds: 1 })), "ws-2");
    await waitUntil(() => hub().watchers("ws-2") === 1);
    await sub.ended;
    expect(sub.results.at(-1)?.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    await waitUntil(() => hub().watchers("ws-2") === 0, 1_000);
    await client.dispose();
  });
});

/** Subscribes to parcelUpdated with `extensions`, as the router does. */
function collectWith(client: ReturnType<typeof connect>, extensions: Record<string, string>, id = "ws-1") {
  let settle!: () => void;
  const results: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] }[] = [];
  const ended = new Promise<void>((resolve) => {
    settle = resolve;
  });
  client.subscribe(
    { query: TRACK, variables: { id }, extensions },
    { next: (r) => void results.push(r as (typeof results)[number]), error: () => settle(), complete: () => settle() },
  );
  return {
    results,
    ended,
    waitFor: (count: number) => waitUntil(() => results.length >= count).then(() => results),
  };
}
