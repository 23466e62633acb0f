/**
 * S1 storefront listing: products(first: 24) (A) and products(first: 96) (B)
 * with variants (price, availability) and category, through the router, with
 * variables. Closed loop at 1, 10 and 50 connections and a fixed rate, A and
 * B alternating, repeated. Goal: SQL statements per operation identical for
 * 24 and 96; p99 at 10 connections reported.
 */
import { alternate, cpuMs, loadHeaders, loadRow, med, runsOf, type ShapeSpec } from "../compare.js";
import { type BenchContext, describeCounts, type Section, table } from "../context.js";
import { exactCost, stable } from "../exact.js";
import { type LoadTarget, post, runLoad } from "../load.js";
import { MACHINE } from "../platform.js";
import { resetStatementStats, topStatements } from "../postgres.js";
import { body, STOREFRONT } from "../queries.js";
import { fmt, fmtRatio, ratio } from "../stats.js";

const SHOWN = ["router", "catalog", "postgres", MACHINE];

export async function s1(ctx: BenchContext): Promise<Section> {
  const started = performance.now();
  const { platform, options } = ctx;
  const lines: string[] = [];
  const targets: LoadTarget[] = [24, 96].map((first) => ({
    name: first === 24 ? "A first: 24" : "B first: 96",
    url: platform.routerUrl,
    body: body(STOREFRONT, { first }),
  }));
  for (const [i, target] of targets.entries()) {
    const answer = await post<{ data?: { products: { nodes: { variants: unknown[] }[] } }; errors?: unknown }>(
      target.url,
      target.body as string,
    );
    const nodes = answer.json.data?.products.nodes ?? [];
    if (answer.json.errors || nodes.length !== (i === 0 ? 24 : 96)) {
      throw new Error(`S1 ${target.name}: unexpected answer ${JSON.stringify(answer.json).slice(0, 300)}`);
    }
  }
  const exact = [];
  for (const target of targets) exact.push(await exactCost(ctx, target.url, target.body as string));
  ctx.log(`S1 exact: A ${JSON.stringify(exact[0])} B ${JSON.stringify(exact[1])}`);

  if (ctx.statementStats.available) await resetStatementStats(ctx.databaseUrl);
  ctx.meter.resetPeaks();
  for (const target of targets) await runLoad(target, { connections: 10, durationS: options.quick ? 1 : 2 });
  const closed: ShapeSpec[] = [1, 10, 50].map((c) => ({
    key: `c${c}`,
    shape: { connections: c, durationS: options.runS },
  }));
  const grid = await alternate(ctx, targets, closed, options.reps, (t, s, r) =>
    ctx.log(`S1 ${t.name} ${s.key}: ${fmt(r.rps)} req/s p99 ${fmt(r.p99, 1)} ms, errors ${r.errors}`),
  );
  const a10 = runsOf(grid, targets[0]?.name as string, "c10");
  const b10 = runsOf(grid, targets[1]?.name as string, "c10");
  const rate = Math.max(
    10,
    Math.round(
      0.5 *
        Math.min(
          med(a10, (r) => r.rps),
          med(b10, (r) => r.rps),
        ),
    ),
  );
  const fixed = await alternate(
    ctx,
    targets,
    [{ key: "rate", shape: { connections: 10, durationS: options.runS, overallRate: rate } }],
    options.reps,
    (t, _s, r) => ctx.log(`S1 ${t.name} at ${rate}/s: p99 ${fmt(r.p99, 1)} ms`),
  );
  const top = ctx.statementStats.available ? await topStatements(ctx.databaseUrl, 6) : [];

  const rows: string[][] = [];
  for (const target of targets) {
    for (const c of [1, 10, 50])
      rows.push(loadRow(target.name, `${c} conn`, runsOf(grid, target.name, `c${c}`), SHOWN, ctx.meter.names()));
    rows.push(
      loadRow(target.name, `${rate}/s (10 conn)`, runsOf(fixed, target.name, "rate"), SHOWN, ctx.meter.names()),
    );
  }
  const sqlA = describeCounts(exact[0]?.sql ?? {});
  const sqlB = describeCounts(exact[1]?.sql ?? {});
  const same = stable(exact[0]?.sql) === stable(exact[1]?.sql);
  const pgA = med(a10, (r) => r.perOp.pgCalls ?? Number.NaN);
  const pgB = med(b10, (r) => r.perOp.pgCalls ?? Number.NaN);
  const p99a = med(a10, (r) => r.p99);
  const p99b = med(b10, (r) => r.p99);

  lines.push(
    "Query (variables `first` 24 or 96), through the router:",
    "",
    "```graphql",
    STOREFRONT,
    "```",
    "",
    `Closed loop at 1, 10 and 50 connections, ${options.runS} s each, then a fixed rate of ${rate} req/s (half the slower variant's median closed-loop rate at 10 connections) on 10 connections; A and B alternate, ${options.reps} repeats, medians shown. CPU ms/req is CPU time of the process (PostgreSQL: all its processes) divided by requests answered; "other CPU" is CPU the machine spent outside the platform and the load generator during the run (other work on the machine), in cores.`,
    "",
    ...table(loadHeaders("variant", SHOWN), rows),
    "",
    ...table(
      ["per operation", "A first: 24", "B first: 96"],
      [
        ["SQL statements (services' counters, one request)", sqlA, sqlB],
        [
          "subgraph fetches (router's counter)",
          describeCounts(exact[0]?.fetches ?? {}),
          describeCounts(exact[1]?.fetches ?? {}),
        ],
        [
          "statements in pg_stat_statements per request (10-connection runs, every client incl. the event bus)",
          fmt(pgA, 2),
          fmt(pgB, 2),
        ],
        ["CPU ms per request, router / catalog / PostgreSQL (10 conn)", cpuList(a10), cpuList(b10)],
      ],
    ),
    "",
    ...(top.length
      ? [
          "Where PostgreSQL's time went during S1 (pg_stat_statements, by total execution time):",
          "",
          ...table(
            ["calls", "mean ms", "share", "statement"],
            top.map((t) => [fmt(t.calls), fmt(t.meanMs, 3), `${(t.share * 100).toFixed(0)}%`, `\`${t.query}\``]),
          ),
          "",
        ]
      : []),
    ...(top[0] && /count\(\*\)/.test(top[0].query) && !STOREFRONT.includes("totalCount")
      ? [
          `The largest share of PostgreSQL's time (${(top[0].share * 100).toFixed(0)}%, ${fmt(top[0].meanMs, 2)} ms a call) is a \`count(*)\` over every listed product, run on each listing although this query does not ask for \`totalCount\`.`,
          "",
        ]
      : []),
    `Throughput B/A at 10 connections: ${fmtRatio(
      ratio(
        med(b10, (r) => r.rps),
        med(a10, (r) => r.rps),
      ),
    )} (B returns 4x the products).`,
  );
  return {
    id: "s1",
    title: "S1 storefront listing",
    lines,
    goals: [
      {
        goal: "S1: SQL statements per operation identical for first 24 and 96",
        met: same,
        detail: `${sqlA} for 24, ${sqlB} for 96`,
      },
      {
        goal: "S1: p99 at 10 connections reported",
        met: Number.isFinite(p99a) && Number.isFinite(p99b),
        detail: `p99 ${fmt(p99a, 1)} ms (24) / ${fmt(p99b, 1)} ms (96)`,
      },
    ],
    seconds: (performance.now() - started) / 1000,
  };
}

const cpuList = (runs: Parameters<typeof cpuMs>[0]) =>
  ["router", "catalog", "postgres"].map((p) => fmt(cpuMs(runs, p), 2)).join(" / ");
