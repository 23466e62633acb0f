/**
 * S3 checkout, through the router, guest checkouts with the TEST payment provider:
 * (a) the race: 200 buyers, each with a cart of 1 unit of the same new
 *     variant with stock 50, check out at once; then each of the orders is
 *     paid (confirmTestPayment) and the reservation is committed by the
 *     saga's events. Goal: exactly 50 orders, stock ends at 0 (never
 *     negative: a CHECK constraint, and the numbers read back), 10 of 10 runs.
 * (b) uncontended: checkouts of prepared carts (2 lines of distinct variants
 *     each, no two carts sharing a variant) at 1, 10, 50 connections and a
 *     fixed rate; orders per second and p99; pgbench (TPC-B-like, 10
 *     clients) on the same PostgreSQL, alternating with the 10-connection
 *     checkout runs, as the reference for what the database alone does.
 * Carts and the race's variant are written with SQL (set-up, not measured).
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { alternate, cpuMs, loadHeaders, loadRow, type Measured, med, runsOf } from "../compare.js";
import { type BenchContext, describeCounts, type Section, table } from "../context.js";
import { settleDown } from "../exact.js";
import { type LoadTarget, post, runLoad } from "../load.js";
import { MACHINE } from "../platform.js";
import { createDatabase, dropDatabase } from "../postgres.js";
import { body, CHECKOUT, CONFIRM_TEST_PAYMENT, SHIPPING_ADDRESS } from "../queries.js";
import { fmt, median, percentile } from "../stats.js";

const run = promisify(execFile);
const BUYERS = 200;
const STOCK = 50;

type CheckoutAnswer = {
  data?: {
    checkout: {
      order: { id: string; payment: { id: string } | null } | null;
      userErrors: { code: string; message: string }[];
    };
  };
  errors?: { message: string }[];
};

interface RaceRun {
  variantId: string;
  /** Payments confirmed SUCCEEDED. */
  succeeded: number;
  orders: number;
  outOfStock: number;
  other: number;
  firstOther?: string;
  dbOrders: number;
  afterCheckout: { onHand: number; reserved: number };
  final: { onHand: number; reserved: number };
  reservedMovements: number;
  ms: number;
  p50: number;
  p99: number;
  paidMs: number;
  ok: boolean;
}

export async function s3(ctx: BenchContext): Promise<Section> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: ctx.databaseUrl });
  await client.connect();
  try {
    const runs = ctx.options.quick ? 2 : 10;
    const race: RaceRun[] = [];
    for (let i = 0; i < runs; i += 1) {
      race.push(await raceOnce(ctx, client, i));
      const r = race.at(-1) as RaceRun;
      ctx.log(
        `S3a run ${i + 1}: ${r.orders} orders, ${r.outOfStock} OUT_OF_STOCK, ${r.other} other, ${r.succeeded} paid, stock ${r.afterCheckout.onHand}/${r.afterCheckout.reserved}`,
      );
    }
    const settleMs = await settle(client, race, 60_000);
    ctx.log(
      `S3a: ${race.filter((r) => r.ok).length} of ${runs} correct; committed ${fmt(settleMs)} ms after the last run`,
    );
    const uncontended = await uncontendedCheckouts(ctx, client);
    const passed = race.filter((r) => r.ok).length;
    const lines = [
      `**(a) The race**: ${BUYERS} guest buyers, each with a cart holding 1 unit of one new variant with stock ${STOCK}, send \`checkout\` at the same moment (${BUYERS} connections); then every order is paid with \`confirmTestPayment\` (TEST provider) and the next run starts. After the last run the harness waits for the saga's events to commit every paid reservation (on hand and reserved both 0): that took ${fmt(settleMs)} ms more. ${runs} runs.`,
      "",
      ...table(
        [
          "run",
          "orders",
          "OUT_OF_STOCK",
          "other errors",
          "orders in DB",
          "stock after checkouts (on hand / reserved)",
          "stock after payment",
          "reserved by movements",
          "200 checkouts, ms",
          "checkout p50 / p99 ms",
          "payments SUCCEEDED",
          "50 payments, ms",
          "correct",
        ],
        race.map((r, i) => [
          i + 1,
          r.orders,
          r.outOfStock,
          r.other ? `${r.other} (${r.firstOther ?? ""})` : 0,
          r.dbOrders,
          `${r.afterCheckout.onHand} / ${r.afterCheckout.reserved}`,
          `${r.final.onHand} / ${r.final.reserved}`,
          r.reservedMovements,
          fmt(r.ms),
          `${fmt(r.p50)} / ${fmt(r.p99)}`,
          r.succeeded,
          fmt(r.paidMs),
          r.ok ? "yes" : "**no**",
        ]),
      ),
      "",
      ...uncontended.lines,
    ];
    return {
      id: "s3",
      title: "S3 checkout",
      lines,
      goals: [
        {
          goal: `S3a: exactly ${STOCK} orders of ${BUYERS} buyers, stock ends at 0, never negative, in ${runs} of ${runs} runs`,
          met: passed === runs,
          detail: `${passed} of ${runs} runs correct${runs < 10 ? " (--quick: fewer runs than the goal's 10)" : ""}`,
        },
        ...uncontended.goals,
      ],
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await client.end();
  }
}

async function raceOnce(ctx: BenchContext, client: pg.Client, index: number): Promise<RaceRun> {
  const tag = `race-${index}-${Date.now().toString(36)}`;
  const { rows } = await client.query<{ id: string }>(
    `with p as (
       insert into catalog.product (slug, name, status, min_price, max_price)
       values ($1, $2, 'ACTIVE', 1000, 1000) returning id
     )
     insert into catalog.variant (product_id, sku, name, price, currency, on_hand)
     select p.id, upper($1), 'One size', 1000, 'USD', $3 from p returning id`,
    [tag, `Race ${index}`, STOCK],
  );
  const variantId = rows[0]?.id as string;
  const carts = await prepareCarts(client, BUYERS, [[variantId]]);
  const url = ctx.platform.routerUrl;
  const latencies: number[] = [];
  const t0 = performance.now();
  const answers = await Promise.all(
    carts.map(async (cartId, i) => {
      const started = performance.now();
      const answer = await post<CheckoutAnswer>(
        url,
        body(CHECKOUT, {
          input: {
            cartId,
            email: `buyer-${i}@bench.test`,
            shippingAddress: SHIPPING_ADDRESS,
            idempotencyKey: randomUUID(),
          },
        }),
      ).catch((error: Error) => ({ status: 0, json: { errors: [{ message: error.message }] } as CheckoutAnswer }));
      latencies.push(performance.now() - started);
      return answer.json;
    }),
  );
  const ms = performance.now() - t0;
  let orders = 0;
  let outOfStock = 0;
  let other = 0;
  let firstOther: string | undefined;
  const paymentIds: string[] = [];
  for (const answer of answers) {
    const checkout = answer.data?.checkout;
    if (checkout?.order) {
      orders += 1;
      if (checkout.order.payment) paymentIds.push(checkout.order.payment.id);
    } else if (checkout?.userErrors.some((e) => e.code === "OUT_OF_STOCK")) {
      outOfStock += 1;
    } else {
      other += 1;
      firstOther ??= JSON.stringify(checkout?.userErrors ?? answer.errors).slice(0, 120);
    }
  }
  const stock = async () => {
    const r = await client.query<{ on_hand: number; reserved: number }>(
      "select on_hand, reserved from catalog.variant where id = $1",
      [variantId],
    );
    return { onHand: r.rows[0]?.on_hand ?? -1, reserved: r.rows[0]?.reserved ?? -1 };
  };
  const afterCheckout = await stock();
  const dbOrders = Number(
    (
      await client.query<{ n: string }>(
        "select count(distinct order_id) as n from orders.order_line where variant_id = $1",
        [variantId],
      )
    ).rows[0]?.n ?? 0,
  );
  const paidStarted = performance.now();
  const paid = await Promise.all(
    paymentIds.map((id) =>
      post<{ data?: { confirmTestPayment: { payment: { status: string } | null } } }>(
        url,
        body(CONFIRM_TEST_PAYMENT, { id }),
      ),
    ),
  );
  const paidMs = performance.now() - paidStarted;
  const succeeded = paid.filter((p) => p.json.data?.confirmTestPayment.payment?.status === "SUCCEEDED").length;
  const reservedMovements = Number(
    (
      await client.query<{ n: string }>(
        "select coalesce(sum(reserved_delta), 0) as n from catalog.stock_movement where variant_id = $1 and kind = 'RESERVE'",
        [variantId],
      )
    ).rows[0]?.n ?? 0,
  );
  return {
    variantId,
    succeeded,
    orders,
    outOfStock,
    other,
    ...(firstOther ? { firstOther } : {}),
    dbOrders,
    afterCheckout,
    final: { onHand: -1, reserved: -1 },
    reservedMovements,
    ms,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    paidMs,
    ok: false,
  };
}

/** After every run: the saga's events commit each paid reservation; the race is right when stock ends at 0 everywhere. */
async function settle(client: pg.Client, runs: RaceRun[], timeoutMs: number): Promise<number> {
  const started = performance.now();
  const read = async () => {
    const { rows } = await client.query<{ id: string; on_hand: number; reserved: number }>(
      "select id, on_hand, reserved from catalog.variant where id = any($1::uuid[])",
      [runs.map((r) => r.variantId)],
    );
    return new Map(rows.map((r) => [r.id, { onHand: r.on_hand, reserved: r.reserved }]));
  };
  let stock = await read();
  while (
    [...stock.values()].some((s) => s.onHand !== 0 || s.reserved !== 0) &&
    performance.now() - started < timeoutMs
  ) {
    await new Promise((r) => setTimeout(r, 200));
    stock = await read();
  }
  for (const r of runs) {
    r.final = stock.get(r.variantId) ?? { onHand: -1, reserved: -1 };
    r.ok =
      r.orders === STOCK &&
      r.outOfStock === BUYERS - STOCK &&
      r.other === 0 &&
      r.dbOrders === STOCK &&
      r.succeeded === STOCK &&
      r.afterCheckout.onHand === STOCK &&
      r.afterCheckout.reserved === STOCK &&
      r.final.onHand === 0 &&
      r.final.reserved === 0 &&
      r.reservedMovements === STOCK;
  }
  return performance.now() - started;
}

/**
 * Guest carts written with SQL: cart i gets one unit of each variant in
 * lines[i % lines.length]. Returns the cart ids in order.
 */
export async function prepareCarts(client: pg.Client, count: number, lines: string[][]): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  const cartIds: string[] = [];
  const variantIds: string[] = [];
  for (const [i, id] of ids.entries()) {
    for (const variantId of lines[i % lines.length] as string[]) {
      cartIds.push(id);
      variantIds.push(variantId);
    }
  }
  await client.query("begin");
  await client.query("insert into cart.cart (id) select unnest($1::uuid[])", [ids]);
  await client.query(
    "insert into cart.cart_line (cart_id, variant_id, quantity) select unnest($1::uuid[]), unnest($2::uuid[]), 1",
    [cartIds, variantIds],
  );
  await client.query("commit");
  return ids;
}

interface PgbenchRun {
  tps: number;
  p50: number;
  p99: number;
  transactions: number;
}

async function uncontendedCheckouts(
  ctx: BenchContext,
  client: pg.Client,
): Promise<{ lines: string[]; goals: Section["goals"] }> {
  const { options } = ctx;
  const cartsWanted = options.quick ? 800 : 5_000;
  // Distinct variants with stock, in a fixed pseudo-random order (md5 of the SKU): 2 per cart.
  const picked = await client.query<{ id: string }>(
    `select v.id from catalog.variant v join catalog.product p on p.id = v.product_id
      where p.status = 'ACTIVE' and p.slug like 'bench-%' and v.on_hand - v.reserved >= 2
      order by md5(v.sku) limit $1`,
    [cartsWanted * 2],
  );
  const pairs: string[][] = [];
  for (let i = 0; i + 1 < picked.rows.length; i += 2)
    pairs.push([picked.rows[i]?.id as string, picked.rows[i + 1]?.id as string]);
  const carts = await prepareCarts(client, pairs.length, pairs);
  let next = 0;
  const target: LoadTarget = {
    name: "checkout",
    url: ctx.platform.routerUrl,
    nextBody: () => {
      const cartId = carts[next % carts.length];
      next += 1;
      return body(CHECKOUT, {
        input: {
          cartId,
          email: `shopper-${next}@bench.test`,
          shippingAddress: SHIPPING_ADDRESS,
          idempotencyKey: randomUUID(),
        },
      });
    },
    ok: (text) => !text.includes('"errors"') && !text.includes('"code"'),
  };
  const left = () => carts.length - next;
  const shape = (connections: number, overallRate?: number) => ({
    connections,
    durationS: options.runS,
    ...(overallRate ? { overallRate } : {}),
  });
  await runLoad(target, { connections: 5, durationS: 1 });

  const pgbench = await preparePgbench(ctx);
  const pgRuns: PgbenchRun[] = [];
  const checkoutRuns: Measured[] = [];
  for (let rep = 0; rep < options.reps; rep += 1) {
    const order = rep % 2 === 0 ? ["checkout", "pgbench"] : ["pgbench", "checkout"];
    for (const which of order) {
      await settleDown(ctx);
      if (which === "checkout") {
        const grid = await alternate(ctx, [target], [{ key: "c10", shape: shape(10) }], 1);
        const r = runsOf(grid, "checkout", "c10")[0] as Measured;
        checkoutRuns.push(r);
        ctx.log(`S3b checkout 10 conn: ${fmt(r.rps)} orders/s p99 ${fmt(r.p99)} ms errors ${r.errors}`);
      } else if (pgbench) {
        pgRuns.push(await pgbench.run(10, options.runS));
        ctx.log(`S3b pgbench 10 clients: ${fmt(pgRuns.at(-1)?.tps)} tps`);
      }
    }
  }
  const others = new Map<string, Measured[]>();
  for (const c of [1, 50]) {
    if (left() < 50) break;
    await settleDown(ctx);
    const grid = await alternate(ctx, [target], [{ key: `c${c}`, shape: shape(c) }], 1);
    others.set(`${c} conn`, runsOf(grid, "checkout", `c${c}`));
  }
  const rate = Math.max(5, Math.round(0.5 * med(checkoutRuns, (r) => r.rps)));
  if (left() > rate * options.runS) {
    await settleDown(ctx);
    const grid = await alternate(ctx, [target], [{ key: "rate", shape: shape(10, rate) }], 1);
    others.set(`${rate}/s (10 conn)`, runsOf(grid, "checkout", "rate"));
  }
  await pgbench?.drop();

  const shown = ["router", "orders", "catalog", "cart", "payments", "postgres", MACHINE];
  const ours = ctx.meter.names();
  const rows = [
    loadRow("checkout", "1 conn", others.get("1 conn") ?? [], shown, ours),
    loadRow("checkout", "10 conn", checkoutRuns, shown, ours),
    loadRow("checkout", "50 conn", others.get("50 conn") ?? [], shown, ours),
    loadRow("checkout", `${rate}/s (10 conn)`, others.get(`${rate}/s (10 conn)`) ?? [], shown, ours),
  ].filter((row) => row[2] !== "n/a");
  const perOp = (pick: (r: Measured) => Record<string, number>) => {
    const keys = new Set(checkoutRuns.flatMap((r) => Object.keys(pick(r))));
    return Object.fromEntries(
      [...keys].map((k) => [k, Math.round(median(checkoutRuns.map((r) => pick(r)[k] ?? 0)) * 100) / 100]),
    );
  };
  const checkoutRps = med(checkoutRuns, (r) => r.rps);
  const pgTps = median(pgRuns.map((r) => r.tps));
  const lines = [
    `**(b) Uncontended checkouts**: ${fmt(carts.length)} prepared guest carts of 2 lines each (distinct variants, no cart shares one), checked out through the router; each request takes the next cart. At 10 connections, alternating with pgbench, ${options.reps} repeats; 1 and 50 connections and a fixed rate of ${rate}/s once each. req/s = orders per second.`,
    "",
    ...table(loadHeaders("operation", shown), rows),
    "",
    ...table(
      ["per checkout (10 conn, medians)", "value"],
      [
        ["SQL statements by service (services' counters)", describeCounts(perOp((r) => r.perOp.sql))],
        [
          "statements in pg_stat_statements (all clients: event bus, handlers)",
          fmt(
            med(checkoutRuns, (r) => r.perOp.pgCalls ?? Number.NaN),
            1,
          ),
        ],
        [
          "GraphQL requests received by service (router's fetches and service-to-service calls)",
          describeCounts(perOp((r) => r.perOp.requests)),
        ],
        ["subgraph fetches by the router", describeCounts(perOp((r) => r.perOp.fetches))],
        [
          "CPU ms: router / orders / catalog / cart / payments / PostgreSQL",
          ["router", "orders", "catalog", "cart", "payments", "postgres"]
            .map((p) => fmt(cpuMs(checkoutRuns, p), 2))
            .join(" / "),
        ],
      ],
    ),
    "",
    ...(pgRuns.length
      ? [
          `pgbench reference (built-in TPC-B-like script: 5 statements in a transaction; scale ${pgbench?.scale}, 10 clients, 2 threads, ${options.runS} s, same server, alternating with the checkout runs): median ${fmt(pgTps)} tps, latency p50 ${fmt(median(pgRuns.map((r) => r.p50)), 1)} ms, p99 ${fmt(median(pgRuns.map((r) => r.p99)), 1)} ms. A checkout is ${fmt(
            med(checkoutRuns, (r) => r.perOp.pgCalls ?? Number.NaN),
            0,
          )} statements (pg_stat_statements) across the services and the event bus: ${fmt(checkoutRps * med(checkoutRuns, (r) => r.perOp.pgCalls ?? Number.NaN))} statements/s at ${fmt(checkoutRps)} checkouts/s, against pgbench's ${fmt(pgTps * 7)} statements/s (7 per transaction with BEGIN and END). Checkout is CPU-bound across all its processes: ${fmt(cpuMs(checkoutRuns, MACHINE), 1)} ms of machine CPU per checkout caps 2 cores near ${fmt(2000 / cpuMs(checkoutRuns, MACHINE))} checkouts/s; PostgreSQL takes ${fmt(cpuMs(checkoutRuns, "postgres"), 1)} ms of it, the services the rest.`,
          "",
        ]
      : ["pgbench was not found on PATH: no database reference in this run.", ""]),
  ];
  return {
    lines,
    goals: [
      {
        goal: "S3b: uncontended checkouts per second and p99 reported, with pgbench as reference",
        met: Number.isFinite(checkoutRps) && pgRuns.length > 0,
        detail: `${fmt(checkoutRps)} orders/s, p99 ${fmt(med(checkoutRuns, (r) => r.p99))} ms at 10 connections; pgbench ${fmt(pgTps)} tps`,
      },
    ],
  };
}

async function preparePgbench(
  ctx: BenchContext,
): Promise<
  | { scale: number; run: (clients: number, seconds: number) => Promise<PgbenchRun>; drop: () => Promise<void> }
  | undefined
> {
  try {
    await run("pgbench", ["--version"]);
  } catch {
    return undefined;
  }
  const scale = ctx.options.quick ? 2 : 10;
  const url = await createDatabase(ctx.server.url, "retailer_bench_pgbench");
  const started = performance.now();
  await run("pgbench", ["-i", "-q", "-s", String(scale), url], { maxBuffer: 16 * 1024 * 1024 });
  ctx.log(`S3b pgbench -i -s ${scale}: ${fmt(performance.now() - started)} ms`);
  const dir = path.join(ctx.logDir, "pgbench");
  await mkdir(dir, { recursive: true });
  let n = 0;
  return {
    scale,
    async run(clients, seconds) {
      n += 1;
      const prefix = path.join(dir, `run${n}`);
      const { stdout } = await run(
        "pgbench",
        ["-n", "-c", String(clients), "-j", "2", "-T", String(seconds), "-l", `--log-prefix=${prefix}`, url],
        { maxBuffer: 16 * 1024 * 1024 },
      );
      const latencies: number[] = [];
      for (const file of (await readdir(dir)).filter((f) => f.startsWith(`run${n}.`))) {
        for (const line of (await readFile(path.join(dir, file), "utf8")).split("\n")) {
          const micros = Number(line.split(" ")[2]);
          if (Number.isFinite(micros) && line) latencies.push(micros / 1000);
        }
      }
      return {
        tps: Number(/tps = ([\d.]+)/.exec(stdout)?.[1] ?? Number.NaN),
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        transactions: latencies.length,
      };
    },
    drop: () => dropDatabase(url),
  };
}
