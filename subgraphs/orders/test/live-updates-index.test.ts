import { randomUUID } from "node:crypto";
import { createLogger } from "@retailer/kit";
import { createTestDatabase, type TestDatabase } from "@retailer/testing";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { OrderRow } from "../src/db/database.js";
import { LiveUpdates } from "../src/live-updates.js";

/**
 * LiveUpdates over a real LISTEN connection (a database of its own, so no
 * other test's notifications arrive), with the orders read by a stub that
 * records each read: which listeners a change reaches, and what unsubscribing
 * leaves behind.
 */
let database: TestDatabase;
let notifier: pg.Client;
let live: LiveUpdates;
const reads: string[][] = [];
const customerOf = new Map<string, string | null>();

const row = (id: string): OrderRow =>
  ({
    id,
    customer_id: customerOf.get(id) ?? null,
    status: "PAID",
    carrier: null,
    tracking_number: null,
    updated_at: new Date(),
  }) as OrderRow;

const notify = (id: string) => notifier.query("select pg_notify('order_updates', $1)", [id]);

async function until(condition: () => boolean, what: string, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A listener that counts the rows it was handed, by order id. */
function counter() {
  const seen: string[] = [];
  return { seen, listener: (order: OrderRow) => void seen.push(order.id) };
}

beforeAll(async () => {
  database = await createTestDatabase("retailer_orders_live");
  notifier = new pg.Client({ connectionString: database.url });
  await notifier.connect();
  live = new LiveUpdates(database.url, createLogger("orders", "silent"), async (ids) => {
    reads.push(ids);
    return ids.map(row);
  });
  await live.start();
});

afterAll(async () => {
  await live?.stop();
  await notifier?.end();
  await database?.drop();
});

beforeEach(() => {
  reads.length = 0;
});

describe("LiveUpdates hands a change only to that order's listeners", () => {
  it("a change to order A calls A's listeners, and none of order B's or of another customer's", async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    customerOf.set(a, "customer-a");
    customerOf.set(b, "customer-b");
    const onA = [counter(), counter()];
    const onB = Array.from({ length: 50 }, () => counter());
    const customerA = counter();
    const customerB = counter();
    const everything = counter();
    const stops = [
      ...onA.map((c) => live.listen({ orderId: a }, c.listener)),
      ...onB.map((c) => live.listen({ orderId: b }, c.listener)),
      live.listen({ customerId: "customer-a" }, customerA.listener),
      live.listen({ customerId: "customer-b" }, customerB.listener),
      live.listen("all", everything.listener),
    ];
    expect(live.indexed).toEqual({ orders: 2, customers: 2, all: 1 });
    expect(live.listenerCount).toBe(55);

    await notify(a);
    await until(() => onA.every((c) => c.seen.length === 1), "A's listeners");
    // Rows are handed out synchronously once read: everything this change reaches has been reached.
    expect(onA.map((c) => c.seen)).toEqual([[a], [a]]);
    expect(onB.reduce((calls, c) => calls + c.seen.length, 0)).toBe(0);
    expect(customerA.seen).toEqual([a]);
    expect(customerB.seen).toEqual([]);
    expect(everything.seen).toEqual([a]);
    expect(reads).toEqual([[a]]);

    await notify(b);
    await until(() => onB.every((c) => c.seen.length === 1), "B's listeners");
    expect(onA.map((c) => c.seen.length)).toEqual([1, 1]);
    expect(customerA.seen).toEqual([a]);
    expect(customerB.seen).toEqual([b]);
    expect(everything.seen).toEqual([a, b]);

    for (const stop of stops) stop();
  });

  it("does not read a change that no listener of this replica can want", async () => {
    const [watchedOrder, other] = [randomUUID(), randomUUID()];
    const watcher = counter();
    const stop = live.listen({ orderId: watchedOrder }, watcher.listener);
    await notify(other);
    await notify(watchedOrder);
    await until(() => watcher.seen.length === 1, "the watched order");
    expect(reads).toEqual([[watchedOrder]]);
    stop();
  });

  it("forgets a listener when it unsubscribes, and the order's (or customer's) entry with its last one", async () => {
    const id = randomUUID();
    customerOf.set(id, "customer-c");
    const [first, second, mine] = [counter(), counter(), counter()];
    const stopFirst = live.listen({ orderId: id }, first.listener);
    const stopSecond = live.listen({ orderId: id }, second.listener);
    const stopMine = live.listen({ customerId: "customer-c" }, mine.listener);
    expect(live.indexed).toEqual({ orders: 1, customers: 1, all: 0 });

    stopFirst();
    expect(live.indexed).toEqual({ orders: 1, customers: 1, all: 0 });
    expect(live.listenerCount).toBe(2);
    await notify(id);
    await until(() => second.seen.length === 1 && mine.seen.length === 1, "the remaining listeners");
    expect(first.seen).toEqual([]);

    stopSecond();
    stopMine();
    // Twice is harmless, and does not remove a listener added since under the same key.
    const later = counter();
    const stopLater = live.listen({ orderId: id }, later.listener);
    stopSecond();
    expect(live.indexed).toEqual({ orders: 1, customers: 0, all: 0 });
    stopLater();
    expect(live.indexed).toEqual({ orders: 0, customers: 0, all: 0 });
    expect(live.listenerCount).toBe(0);

    // Nobody left: the next change is not even read.
    await notify(id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(reads).toEqual([[id]]);
    expect(later.seen).toEqual([]);
  });

  it("a listener that throws does not keep the change from the others", async () => {
    const id = randomUUID();
    const after = counter();
    const stops = [
      live.listen({ orderId: id }, () => {
        throw new Error("boom");
      }),
      live.listen({ orderId: id }, after.listener),
    ];
    await notify(id);
    await until(() => after.seen.length === 1, "the second listener");
    for (const stop of stops) stop();
  });
});
