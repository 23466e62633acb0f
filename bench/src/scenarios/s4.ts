/**
 * S4 live tracking fan-out, through the router over graphql-ws:
 * (a) N subscribers (N = 1,000 and 5,000 here: see the report), each
 *     watching its own order, 100 status changes per second overall;
 * (b) one order watched by 1,000 subscribers, 10 changes per second;
 * latency from the commit of a change to its receipt at the client, lost and
 * duplicated events, and the router's and orders' memory per subscriber.
 * Reference: a bare `ws` broadcast server (peers/bare-ws-server.mjs) with the
 * same database, the same kind of change and the same clients, one row read
 * per change. The two alternate, repeated.
 *
 * The changes: the harness commits, in one statement, what the orders
 * service's lifecycle commits for a status change (the order's status,
 * tracking number and updated_at, and pg_notify('order_updates', id)), without
 * the history row and the events other services react to, so that only the
 * fan-out path is measured; the tracking number carries the change's number.
 * The orders and their guest access tokens are made with SQL and the orders
 * service's own token function.
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { freePort } from "../../../scripts/embedded-postgres.js";
import { orderAccessToken } from "../../../subgraphs/orders/src/access-token.js";
import { type BenchContext, type Goal, type Section, table } from "../context.js";
import { settleDown } from "../exact.js";
import { scrape, total } from "../metrics.js";
import { cpuBetween, ROOT, startExtra, stopChild } from "../platform.js";
import { sample } from "../proc.js";
import { fmt, fmtRatio, percentile, ratio } from "../stats.js";
import type { ClientCommand, ClientReply, Subscriber } from "../ws-clients.js";

const now = () => performance.timeOrigin + performance.now();
/** Lines of a log file that contain `text` (0 when unreadable). */
async function countInLog(file: string, text: string): Promise<number> {
  try {
    return (await readFile(file, "utf8")).split("\n").filter((line) => line.includes(text)).length;
  } catch {
    return 0;
  }
}

/** How long after the last commit an event may still arrive. */
const DRAIN_MS = 12_000;

/** Waits until a process uses under 5% of a core over half a second (its backlog is done), at most `maxMs`. */
async function idle(pid: number, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  let last = sample(pid)?.cpuSeconds ?? 0;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    const now = sample(pid)?.cpuSeconds ?? 0;
    if (now - last < 0.025) return;
    last = now;
  }
}

/** Changes per (a) run: 3 s at 100 per second (1 s with --quick); each change has one subscriber. */
const eventsFor = (_n: number, quick: boolean) => (quick ? 100 : 300);
const BARE_CHANNEL = "bench_bare_updates";

class Clients {
  private readonly child: ChildProcess;
  private waiting: ((reply: ClientReply) => void)[] = [];

  constructor(logDir: string, label: string) {
    const log = createWriteStream(path.join(logDir, `${label}.log`));
    this.child = fork(path.join(ROOT, "bench/src/ws-clients.ts"), [], {
      cwd: ROOT,
      execArgv: ["--conditions=retailer-source", "--import", "tsx", "--max-old-space-size=4096"],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    this.child.stdout?.pipe(log);
    this.child.stderr?.pipe(log);
    this.child.on("message", (reply: ClientReply) => this.waiting.shift()?.(reply));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  request<T extends ClientReply["type"]>(command: ClientCommand): Promise<Extract<ClientReply, { type: T }>> {
    return new Promise((resolve) => {
      this.waiting.push(resolve as (reply: ClientReply) => void);
      this.child.send(command);
    });
  }

  reset(): void {
    this.child.send({ type: "reset" } satisfies ClientCommand);
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await Promise.race([this.request<"closed">({ type: "close" }), new Promise((r) => setTimeout(r, 20_000))]);
    await stopChild(this.child, 5_000);
  }
}

interface Phase {
  label: string;
  side: "router" | "bare";
  n: number;
  events: number;
  expected: number;
  delivered: number;
  lost: number;
  duplicated: number;
  misrouted: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Statements the orders service ran per change (its counter; router side only). */
  ordersSqlPerEvent: number;
  drainMs: number;
  /** CPU milliseconds per delivered event, by process (router, orders, bare-ws). */
  cpuPerDelivery: Record<string, number>;
}

export async function s4(ctx: BenchContext): Promise<Section> {
  const started = performance.now();
  const { options, platform } = ctx;
  const sizes = options.quick ? [200] : [1_000, 5_000];
  const watchersOfOne = options.quick ? 200 : 1_000;
  const reps = options.reps;
  const hold = options.quick ? 400 : 10_000;
  const database = new pg.Pool({ connectionString: ctx.databaseUrl, max: 6 });
  const secret = `${platform.secret}:order-access`;
  const maxN = Math.max(...sizes);
  const { rows } = await database.query<{ id: string }>(
    `insert into orders."order" (email, status, currency, subtotal, shipping, tax, total, shipping_address)
     select 'watcher-' || g || '@bench.test', 'PAID', 'USD', 1000, 0, 0, 1000,
            '{"name":"Watcher","line1":"1 Loop Street","city":"Berlin","postalCode":"10115","country":"DE"}'::jsonb
     from generate_series(1, $1) g returning id`,
    [maxN + 1],
  );
  const orders = rows.map((r) => r.id);
  const single = orders[maxN] as string;
  const subscriberOf = (id: string): Subscriber => ({ orderId: id, token: orderAccessToken(secret, id) });

  const barePort = await freePort();
  const bareLog = createWriteStream(path.join(ctx.logDir, "bare-ws.log"));
  const bare = spawn(process.execPath, [path.join(ROOT, "bench/src/peers/bare-ws-server.mjs")], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: ctx.databaseUrl, PORT: String(barePort), CHANNEL: BARE_CHANNEL },
    stdio: ["ignore", "pipe", "pipe"],
  });
  bare.stdout?.pipe(bareLog);
  bare.stderr?.pipe(bareLog);
  ctx.meter.add("bare-ws", bare.pid as number);
  const routerWs = platform.routerUrl.replace(/^http/, "ws");
  const bareWs = `ws://127.0.0.1:${barePort}`;
  const phases: Phase[] = [];
  const memory: { n: number; routerKb: number; ordersKb: number; connectS: number; failed: number }[] = [];
  const notes: string[] = [];
  let seq = 0;
  let held: Held | undefined;
  let peaks = ctx.meter.snapshot();

  let routerMetrics = platform.service("router").metricsUrl;
  const activeSubscriptions = (service: "router" | "orders") =>
    scrape(service === "router" ? routerMetrics : platform.service(service).metricsUrl).then(
      (series) => total(series, "graphql_subscriptions_active"),
      () => -1,
    );
  const ordersSql = async () =>
    total(await scrape(platform.service("orders").metricsUrl), "db_query_duration_seconds_count");

  /** Commits `events` changes at `perSecond`, each to the order chosen for it; returns each change's commit time. */
  const commit = async (events: number, perSecond: number, orderFor: (i: number) => string, channel: string) => {
    const committed = new Map<number, number>();
    const pending: Promise<unknown>[] = [];
    const t0 = performance.now();
    for (let i = 0; i < events; i += 1) {
      const wait = t0 + (i * 1000) / perSecond - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const number = seq;
      seq += 1;
      pending.push(
        database
          .query(
            `with u as (
               update orders."order" set status = case when status = 'PAID' then 'SHIPPED' else 'PAID' end,
                      tracking_number = $2, updated_at = now()
                where id = $1 returning id)
             select pg_notify($3, id::text) from u`,
            [orderFor(i), `T${number}`, channel],
          )
          .then(() => committed.set(number, now())),
      );
    }
    await Promise.all(pending);
    return committed;
  };

  const runPhase = async (
    label: string,
    side: "router" | "bare",
    clients: Clients,
    n: number,
    events: number,
    perSecond: number,
    orderFor: (i: number) => string,
    recipients: (seqNumber: number, firstSeq: number) => number[],
  ): Promise<Phase> => {
    await idle(platform.service("orders").pid, 20_000);
    await idle(platform.service("router").pid, 5_000);
    clients.reset();
    const sqlBefore = side === "router" ? await ordersSql().catch(() => Number.NaN) : 0;
    const firstSeq = seq;
    const cpuBefore = ctx.meter.snapshot();
    const committed = await commit(events, perSecond, orderFor, side === "router" ? "order_updates" : BARE_CHANNEL);
    let expected = 0;
    for (let s = firstSeq; s < firstSeq + events; s += 1) expected += recipients(s, firstSeq).length;
    const drainStarted = performance.now();
    const drainMs = DRAIN_MS;
    for (;;) {
      const count = await clients.request<"count">({ type: "count" });
      if (count.n >= expected || performance.now() - drainStarted > drainMs) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const report = await clients.request<"report">({ type: "report" });
    const cpu = cpuBetween(cpuBefore, ctx.meter.snapshot());
    const sqlAfter = side === "router" ? await ordersSql().catch(() => Number.NaN) : 0;
    const seen = new Set<string>();
    let duplicated = 0;
    let misrouted = 0;
    const latencies: number[] = [];
    for (const [subscriber, s, at] of report.receipts) {
      const key = `${subscriber}:${s}`;
      if (seen.has(key)) {
        duplicated += 1;
        continue;
      }
      seen.add(key);
      if (s < firstSeq || !recipients(s, firstSeq).includes(subscriber)) {
        misrouted += 1;
        continue;
      }
      latencies.push(at - (committed.get(s) ?? at));
    }
    const phase: Phase = {
      label,
      side,
      n,
      events,
      expected,
      delivered: latencies.length,
      lost: expected - latencies.length,
      duplicated,
      misrouted,
      errors: report.errors,
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
      ordersSqlPerEvent: side === "router" ? (sqlAfter - sqlBefore) / events : Number.NaN,
      drainMs: performance.now() - drainStarted,
      cpuPerDelivery: Object.fromEntries(
        ["router", "orders", "bare-ws"].map((name) => [
          name,
          ((cpu.get(name) ?? 0) * 1000) / Math.max(1, latencies.length),
        ]),
      ),
    };
    ctx.log(
      `S4 ${label} ${side}: ${phase.delivered}/${expected} delivered, p99 ${fmt(phase.p99, 1)} ms, dup ${duplicated}, errors ${report.errors}${report.firstError ? ` (${report.firstError.slice(0, 120)})` : ""}`,
    );
    return phase;
  };

  const connect = async (clients: Clients, url: string, subscribers: Subscriber[], mode: "router" | "bare") => {
    const reply = await clients.request<"connected">({
      type: "connect",
      mode,
      url,
      subscribers,
      concurrency: 50,
    });
    if (reply.failed > 0)
      notes.push(
        `${mode}: ${reply.failed} of ${subscribers.length} subscribers failed to connect (${reply.firstError})`,
      );
    return reply;
  };

  /**
   * Until the router holds `expected` subscriptions and orders `upstream`:
   * subscribers with the same order and token share one subscription in
   * orders (the router opens one for identical subscribers).
   */
  const waitActive = async (expected: number, timeoutMs: number, upstream = expected) => {
    const deadline = Date.now() + timeoutMs;
    let router = 0;
    let ordersActive = 0;
    while (Date.now() < deadline) {
      [router, ordersActive] = await Promise.all([activeSubscriptions("router"), activeSubscriptions("orders")]);
      if (router >= expected && ordersActive >= upstream) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    return { router, orders: ordersActive };
  };

  const waitGone = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const [router, ordersActive] = await Promise.all([activeSubscriptions("router"), activeSubscriptions("orders")]);
      if (router === 0 && ordersActive === 0) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  try {
    // What earlier scenarios left (event handlers, notifications) must not run during these runs.
    await settleDown(ctx, 30_000);
    ctx.meter.resetPeaks();
    // (a) one order each, 100 changes per second.
    for (const n of sizes) {
      // 100 changes per second, for as long as the machine can drain in the time allowed: see the report.
      const events = eventsFor(n, options.quick);
      const before = { router: sample(platform.service("router").pid), orders: sample(platform.service("orders").pid) };
      const routerClients = new Clients(ctx.logDir, `clients-router-${n}`);
      const bareClients = new Clients(ctx.logDir, `clients-bare-${n}`);
      ctx.meter.add("clients", routerClients.pid);
      try {
        const subs = orders.slice(0, n).map(subscriberOf);
        const t = performance.now();
        const connected = await connect(routerClients, routerWs, subs, "router");
        const active = await waitActive(n, 60_000);
        const connectS = (performance.now() - t) / 1000;
        ctx.log(
          `S4 N=${n}: ${connected.ok} connected in ${fmt(connectS, 1)} s; active router ${active.router}, orders ${active.orders}`,
        );
        await new Promise((r) => setTimeout(r, 1_000));
        const after = {
          router: sample(platform.service("router").pid),
          orders: sample(platform.service("orders").pid),
        };
        memory.push({
          n,
          routerKb: ((after.router?.rssKb ?? 0) - (before.router?.rssKb ?? 0)) / n,
          ordersKb: ((after.orders?.rssKb ?? 0) - (before.orders?.rssKb ?? 0)) / n,
          connectS,
          failed: connected.failed,
        });
        await connect(bareClients, bareWs, subs, "bare");
        for (let rep = 0; rep < reps; rep += 1) {
          for (const side of rep % 2 === 0 ? (["router", "bare"] as const) : (["bare", "router"] as const)) {
            phases.push(
              await runPhase(
                `(a) N=${fmt(n)}`,
                side,
                side === "router" ? routerClients : bareClients,
                n,
                events,
                100,
                (i) => orders[i % n] as string,
                (s, first) => [(s - first) % n],
              ),
            );
          }
        }
      } finally {
        await Promise.all([routerClients.close(), bareClients.close()]);
        ctx.meter.remove("clients");
        await waitGone(30_000);
      }
    }
    // Held: as many subscribers as one router process is asked to hold, no changes, on a fresh
    // router process (same subgraphs) so that its RSS growth is the subscribers' alone.
    {
      const n = hold;
      const holder = await startExtra(platform, ctx.logDir, "router", "router-hold");
      const routerClients = new Clients(ctx.logDir, `clients-router-hold-${n}`);
      routerMetrics = new URL("/metrics", holder.url).toString();
      try {
        await new Promise((r) => setTimeout(r, 1_000));
        const before = { router: sample(holder.pid), orders: sample(platform.service("orders").pid) };
        const ids = Array.from({ length: n }, (_, i) => orders[i % maxN] as string);
        const t = performance.now();
        const connected = await connect(
          routerClients,
          holder.url.replace(/^http/, "ws"),
          ids.map(subscriberOf),
          "router",
        );
        const distinct = new Set(ids).size;
        const active = await waitActive(n, 60_000, distinct);
        const connectS = (performance.now() - t) / 1000;
        await new Promise((r) => setTimeout(r, 1_000));
        const after = { router: sample(holder.pid), orders: sample(platform.service("orders").pid) };
        held = {
          n,
          distinct,
          routerActive: active.router,
          ordersActive: active.orders,
          failed: connected.failed,
          connectS,
          routerKb: ((after.router?.rssKb ?? 0) - (before.router?.rssKb ?? 0)) / n,
          ordersKb: ((after.orders?.rssKb ?? 0) - (before.orders?.rssKb ?? 0)) / n,
          routerRssMb: (after.router?.rssKb ?? 0) / 1024,
          routerBeforeMb: (before.router?.rssKb ?? 0) / 1024,
        };
        ctx.log(`S4 held ${n}: router ${active.router}, orders ${active.orders} active after ${fmt(connectS, 1)} s`);
      } finally {
        await routerClients.close();
        await waitGone(30_000);
        await holder.stop();
        routerMetrics = platform.service("router").metricsUrl;
      }
    }
    // (b) one order, many watchers, 10 changes per second.
    {
      const n = watchersOfOne;
      const routerClients = new Clients(ctx.logDir, "clients-router-one");
      const bareClients = new Clients(ctx.logDir, "clients-bare-one");
      try {
        const subs = Array.from({ length: n }, () => subscriberOf(single));
        await connect(routerClients, routerWs, subs, "router");
        await waitActive(n, 60_000, 1);
        await connect(bareClients, bareWs, subs, "bare");
        const everyone = Array.from({ length: n }, (_, i) => i);
        for (let rep = 0; rep < reps; rep += 1) {
          for (const side of rep % 2 === 0 ? (["router", "bare"] as const) : (["bare", "router"] as const)) {
            phases.push(
              await runPhase(
                `(b) 1 order x ${fmt(n)}`,
                side,
                side === "router" ? routerClients : bareClients,
                n,
                options.quick ? 10 : 20,
                10,
                () => single,
                () => everyone,
              ),
            );
          }
        }
      } finally {
        await Promise.all([routerClients.close(), bareClients.close()]);
        await waitGone(30_000);
      }
    }
  } finally {
    peaks = ctx.meter.snapshot();
    ctx.meter.remove("bare-ws");
    await stopChild(bare, 5_000);
    await database.end();
  }
  return report(
    options,
    phases,
    memory,
    held,
    await countInLog(path.join(ctx.logDir, "orders.log"), "could not read a changed order"),
    notes,
    watchersOfOne,
    peaks,
    (performance.now() - started) / 1000,
  );
}

interface Held {
  n: number;
  /** Distinct (order, token) pairs among them: the subscriptions orders holds. */
  distinct: number;
  routerActive: number;
  ordersActive: number;
  failed: number;
  connectS: number;
  routerKb: number;
  ordersKb: number;
  routerRssMb: number;
  routerBeforeMb: number;
}

function report(
  options: BenchContext["options"],
  phases: Phase[],
  memory: { n: number; routerKb: number; ordersKb: number; connectS: number; failed: number }[],
  held: Held | undefined,
  droppedReads: number,
  notes: string[],
  watchersOfOne: number,
  peaks: ReturnType<BenchContext["meter"]["snapshot"]>,
  seconds: number,
): Section {
  const groups = [...new Set(phases.map((p) => p.label))];
  const median = (values: number[]) => percentile(values, 50);
  const rows = groups.flatMap((label) =>
    (["router", "bare"] as const).map((side) => {
      const runs = phases.filter((p) => p.label === label && p.side === side);
      return [
        label,
        side === "router" ? "router (graphql-ws)" : "bare ws",
        `${runs.length} x ${fmt(runs[0]?.events)}`,
        `${fmt(runs.reduce((a, p) => a + p.delivered, 0))} / ${fmt(runs.reduce((a, p) => a + p.expected, 0))}`,
        fmt(runs.reduce((a, p) => a + p.lost, 0)),
        fmt(runs.reduce((a, p) => a + p.duplicated + p.misrouted, 0)),
        fmt(runs.reduce((a, p) => a + p.errors, 0)),
        fmt(median(runs.map((p) => p.p50)), 1),
        fmt(median(runs.map((p) => p.p90)), 1),
        fmt(median(runs.map((p) => p.p99)), 1),
        fmt(Math.max(...runs.map((p) => p.max)), 0),
        side === "router" ? fmt(median(runs.map((p) => p.ordersSqlPerEvent)), 0) : "1",
        side === "router"
          ? `${fmt(median(runs.map((p) => p.cpuPerDelivery.router ?? Number.NaN)), 3)} / ${fmt(median(runs.map((p) => p.cpuPerDelivery.orders ?? Number.NaN)), 3)}`
          : fmt(median(runs.map((p) => p.cpuPerDelivery["bare-ws"] ?? Number.NaN)), 3),
      ];
    }),
  );
  const goals: Goal[] = [];
  const lostOrDup = phases.reduce((a, p) => a + p.lost + p.duplicated + p.misrouted, 0);
  const cpuOf = (label: string, side: "router" | "bare", name: string) =>
    percentile(
      phases.filter((p) => p.label === label && p.side === side).map((p) => p.cpuPerDelivery[name] ?? Number.NaN),
      50,
    );
  const slower = (label: string) => {
    const sql = percentile(
      phases.filter((p) => p.label === label && p.side === "router").map((p) => p.ordersSqlPerEvent),
      50,
    );
    const oneEach = label.startsWith("(a)");
    const aLabels = groups.filter((g) => g.startsWith("(a)"));
    const growth = aLabels
      .map((g) => `${fmt(cpuOf(g, "router", "orders"), 2)} ms at ${g.replace(/^\(a\) /, "")}`)
      .join(", ");
    const runs = (side: "router" | "bare") =>
      phases
        .filter((p) => p.label === label && p.side === side)
        .map((p) => fmt(p.p99, 1))
        .join(" / ");
    const spread = `p99 of each run: router ${runs("router")} ms, reference ${runs("bare")} ms; p50 ${fmt(median(phases.filter((p) => p.label === label && p.side === "router").map((p) => p.p50)), 1)} vs ${fmt(median(phases.filter((p) => p.label === label && p.side === "bare").map((p) => p.p50)), 1)} ms`;
    const cpuText = oneEach
      ? `per change (one subscriber each) orders spent ${fmt(cpuOf(label, "router", "orders"), 2)} ms of CPU and the router ${fmt(cpuOf(label, "router", "router"), 2)} ms, the reference ${fmt(cpuOf(label, "bare", "bare-ws"), 2)} ms (orders per change: ${growth}); ${spread}`
      : `per delivered event the router spent ${fmt(cpuOf(label, "router", "router"), 3)} ms of CPU and orders ${fmt(cpuOf(label, "router", "orders"), 3)} ms, the reference ${fmt(cpuOf(label, "bare", "bare-ws"), 3)} ms (one read, the same bytes to every socket); ${spread}`;
    return sql > 1.5
      ? `${fmt(sql)} SQL statements in orders per change, against 1 for the reference; ${cpuText}`
      : cpuText;
  };
  const perChange = (label: string) =>
    percentile(
      phases.filter((p) => p.label === label && p.side === "router").map((p) => p.ordersSqlPerEvent),
      50,
    );
  const why = `orders ran ${groups.map((g) => `${fmt(perChange(g))} SQL statements per change at ${g.replace(/^\(.\) /, "")}`).join(", ")}, and ${fmt(droppedReads)} reads waited past the pool's 10 s timeout and dropped the event for their subscriber`;
  goals.push({
    goal: "S4: zero lost or duplicated events",
    met: lostOrDup === 0,
    detail: `${fmt(phases.filter((p) => p.side === "router").reduce((a, p) => a + p.lost, 0))} not delivered within the drain time through the router, ${fmt(phases.filter((p) => p.side === "bare").reduce((a, p) => a + p.lost, 0))} by bare ws, ${fmt(phases.reduce((a, p) => a + p.duplicated + p.misrouted, 0))} duplicated or misrouted${lostOrDup > 0 ? `: ${why}; late reads see a newer state, so subscribers get the latest status twice instead of each change` : ""}`,
  });
  for (const label of groups) {
    const router = median(phases.filter((p) => p.label === label && p.side === "router").map((p) => p.p99));
    const bare = median(phases.filter((p) => p.label === label && p.side === "bare").map((p) => p.p99));
    goals.push({
      goal: `S4 ${label}: p99 <= 2x bare-ws p99`,
      met: Number.isFinite(router) && Number.isFinite(bare) ? router <= 2 * bare : false,
      detail: `${fmt(router, 1)} ms vs ${fmt(bare, 1)} ms (${fmtRatio(ratio(router, bare))})${router > 2 * bare ? `: ${slower(label)}` : ""}`,
    });
  }
  const heldAll =
    held !== undefined && held.routerActive >= held.n && held.ordersActive >= held.distinct && held.failed === 0;
  goals.push({
    goal: "S4: 10,000 subscribers held by one router process, RSS per subscriber reported",
    met: held === undefined ? false : heldAll && held.n >= 10_000,
    detail: held
      ? `${fmt(held.routerActive)} of ${fmt(held.n)} active in one router process (${fmt(held.ordersActive)} in orders: ${fmt(held.distinct)} distinct order and token pairs, identical subscribers share one), ${fmt(held.routerKb, 1)} KB router RSS per subscriber (${fmt(held.routerBeforeMb)} MB before, ${fmt(held.routerRssMb)} MB with them)`
      : "not run",
  });
  const lines = [
    `Subscribers are graphql-ws clients (graphql-ws + ws), one socket each, from a separate process, spread over loopback source addresses (25 per address, under the router's default WS_MAX_CONNECTIONS_PER_CLIENT of 50); guests with their order access tokens. (a) each subscriber watches its own order; the harness commits 100 changes per second round-robin over the N orders. (b) ${fmt(watchersOfOne)} subscribers watch one order; 10 changes per second. The reference is a bare \`ws\` server (bench/src/peers/bare-ws-server.mjs) that LISTENs on its own channel, reads the changed row once and sends it to that order's sockets, with the same clients and the same commits. Router and reference alternate, ${options.reps} repeats each, medians (lost and duplicated events added up); before each run the harness waits until orders and the router are idle. Each (a) run commits ${fmt(eventsFor(1_000, options.quick))} changes at the issue's rate of 100 per second; each (b) run 20 changes at 10 per second. Latency = receipt time at the client minus the time the committing statement returned (same machine clock); an event not received ${DRAIN_MS / 1000} s after the last commit counts as lost. N is 1,000 and 5,000 with changes, and ${fmt(held?.n ?? 0)} subscribers are then connected and held without changes.`,
    "",
    ...table(
      [
        "case",
        "path",
        "changes",
        "delivered / expected",
        "lost",
        "dup or misrouted",
        "client errors",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "orders SQL per change",
        "CPU ms per delivery: router / orders (or bare ws)",
      ],
      rows,
    ),
    "",
    ...table(
      [
        "subscribers",
        "connect + subscribe, s",
        "failed",
        "router RSS per subscriber, KB",
        "orders RSS per subscriber, KB",
      ],
      memory.map((m) => [fmt(m.n), fmt(m.connectS, 1), fmt(m.failed), fmt(m.routerKb, 1), fmt(m.ordersKb, 1)]),
    ),
    "",
    `Peak RSS during S4: router ${fmt((peaks.get("router")?.peakRssKb ?? 0) / 1024)} MB, orders ${fmt((peaks.get("orders")?.peakRssKb ?? 0) / 1024)} MB, bare ws ${fmt((peaks.get("bare-ws")?.peakRssKb ?? 0) / 1024)} MB.`,
    ...notes.map((n) => `- ${n}`),
  ];
  return { id: "s4", title: "S4 live tracking fan-out", lines, goals, seconds };
}
