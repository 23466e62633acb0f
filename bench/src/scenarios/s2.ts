/**
 * S2 federation overhead and peers: the same catalog-only query (the S1
 * listing, first: 24)
 *   (a) straight to the catalog subgraph (signed, as the router signs),
 *   (b) through our router,
 *   (c) through a stock @apollo/gateway + @apollo/server, default settings,
 *   (d) through Hive Gateway with its defaults,
 * closed loop at 1, 10 and 50 connections, a fixed rate, and a closed loop at
 * 10 connections asking 40 different pages in turn, so that no two
 * requests in flight are identical (Hive merges identical in-flight upstream
 * requests by default). Targets alternate, repeated; medians. Then a CPU
 * profile of each gateway under the same load says where its time goes.
 * Goals (10 connections): (b) >= 0.6x (a); (b) >= 1.5x (c); (b) >= 1.0x (d).
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { SIGNATURE_HEADER, signRequest } from "@retailer/kit";
import { alternate, cpuMs, loadHeaders, loadRow, type Measured, med, runsOf, type ShapeSpec } from "../compare.js";
import { type BenchContext, describeCounts, type Section, table } from "../context.js";
import { exactCost } from "../exact.js";
import { type LoadTarget, post, runLoad } from "../load.js";
import { localSupergraph, type Peer, startHiveGateway, startStockGateway } from "../peers.js";
import { MACHINE, startExtra } from "../platform.js";
import { newestProfile, type ProfileSummary, summariseProfile } from "../profile.js";
import { body, STOREFRONT } from "../queries.js";
import { fmt, fmtRatio, mb, ratio } from "../stats.js";

const A = "a catalog direct";
const B = "b our router";
const C = "c stock Apollo gateway";
const D = "d Hive Gateway";
const GATEWAY_PROCESS: Record<string, string> = { [A]: "", [B]: "router", [C]: "stock-gateway", [D]: "hive-gateway" };

export async function s2(ctx: BenchContext): Promise<Section> {
  const started = performance.now();
  const { platform, options } = ctx;
  const peersDir = path.join(ctx.logDir, "s2");
  await mkdir(peersDir, { recursive: true });
  const supergraph = await localSupergraph(platform, peersDir);
  const peers: Peer[] = [];
  try {
    const stock = await startStockGateway(platform, supergraph, peersDir);
    peers.push(stock);
    const hive = await startHiveGateway(platform, supergraph, peersDir);
    peers.push(hive);
    ctx.meter.add("stock-gateway", stock.pid);
    ctx.meter.addTree("hive-gateway", hive.pid);
    const catalogUrl = platform.service("catalog").url;
    const catalogPath = new URL(catalogUrl).pathname;
    const sign = (b: string) => ({
      [SIGNATURE_HEADER]: signRequest(platform.secret, { method: "POST", path: catalogPath, body: b }),
    });
    const fixedBody = body(STOREFRONT, { first: 24 });
    const targets: LoadTarget[] = [
      { name: A, url: catalogUrl, body: fixedBody, nextHeaders: sign },
      { name: B, url: platform.routerUrl, body: fixedBody },
      { name: C, url: stock.url, body: fixedBody },
      { name: D, url: hive.url, body: fixedBody },
    ];
    // Fairness: the four answer exactly the same JSON.
    const answers: string[] = [];
    for (const target of targets) {
      const answer = await post(target.url, fixedBody, target.nextHeaders ? target.nextHeaders(fixedBody) : {});
      answers.push(JSON.stringify(answer.json));
    }
    const identical = answers.every((a) => a === answers[0]) && answers[0]?.includes('"nodes"');
    if (!identical)
      throw new Error(`S2: the targets answer differently: ${answers.map((a) => a.slice(0, 120)).join(" | ")}`);
    const exact = new Map<string, Awaited<ReturnType<typeof exactCost>>>();
    for (const target of targets) {
      exact.set(target.name, await exactCost(ctx, target.url, fixedBody, target.nextHeaders?.(fixedBody) ?? {}));
    }

    ctx.meter.resetPeaks();
    for (const target of targets) await runLoad(target, { connections: 10, durationS: options.quick ? 1 : 2 });
    const shown = ["router", "stock-gateway", "hive-gateway", "catalog", "postgres", MACHINE];
    const closed: ShapeSpec[] = [1, 10, 50].map((c) => ({
      key: `c${c}`,
      shape: { connections: c, durationS: options.runS },
    }));
    const grid = await alternate(ctx, targets, closed, options.reps, (t, s, r) =>
      ctx.log(`S2 ${t.name} ${s.key}: ${fmt(r.rps)} req/s p99 ${fmt(r.p99, 1)} ms errors ${r.errors}`),
    );
    const rate = Math.max(
      10,
      Math.round(0.5 * Math.min(...targets.map((t) => med(runsOf(grid, t.name, "c10"), (r) => r.rps)))),
    );
    const fixed = await alternate(
      ctx,
      targets,
      [{ key: "rate", shape: { connections: 10, durationS: options.runS, overallRate: rate } }],
      options.reps,
    );
    // 40 different pages of 24 (cursors from walking the listing), taken in turn: requests in flight differ.
    const pages: string[] = [fixedBody];
    let after: string | null = null;
    while (pages.length < 40) {
      const page: { json: { data: { products: { pageInfo: { endCursor: string } } } } } = await post<{
        data: { products: { pageInfo: { endCursor: string } } };
      }>(platform.routerUrl, body(STOREFRONT, { first: 24, after }));
      after = page.json.data.products.pageInfo.endCursor;
      pages.push(body(STOREFRONT, { first: 24, after }));
    }
    let counter = 0;
    const varied = targets.map((t) => ({
      ...t,
      body: undefined,
      nextBody: () => {
        counter += 1;
        return pages[counter % pages.length] as string;
      },
    }));
    const variedGrid = await alternate(
      ctx,
      varied,
      [{ key: "varied", shape: { connections: 10, durationS: options.runS } }],
      options.reps,
      (t, _s, r) => ctx.log(`S2 ${t.name} varied: ${fmt(r.rps)} req/s`),
    );
    const peaks = ctx.meter.snapshot();

    const profiles = options.quick
      ? new Map<string, ProfileSummary>()
      : await profileGateways(ctx, supergraph, fixedBody, sign);

    const rows: string[][] = [];
    for (const t of targets) {
      for (const c of [1, 10, 50])
        rows.push(loadRow(t.name, `${c} conn`, runsOf(grid, t.name, `c${c}`), shown, ctx.meter.names()));
      rows.push(loadRow(t.name, `${rate}/s (10 conn)`, runsOf(fixed, t.name, "rate"), shown, ctx.meter.names()));
      rows.push(loadRow(t.name, "10 conn, 40 pages", runsOf(variedGrid, t.name, "varied"), shown, ctx.meter.names()));
    }
    const rps = (name: string, key: string, g = grid) => med(runsOf(g, name, key), (r) => r.rps);
    const ratioRows = [
      ...["c1", "c10", "c50"].map((k) => [`${k.slice(1)} conn`, rps(B, k), rps(A, k), rps(C, k), rps(D, k)] as const),
      [
        "10 conn, 40 pages",
        rps(B, "varied", variedGrid),
        rps(A, "varied", variedGrid),
        rps(C, "varied", variedGrid),
        rps(D, "varied", variedGrid),
      ] as const,
    ].map(([label, b, a, c, d]) => [label, fmtRatio(ratio(b, a)), fmtRatio(ratio(b, c)), fmtRatio(ratio(b, d))]);
    const perOpRows = targets.map((t) => {
      const runs = runsOf(grid, t.name, "c10");
      const e = exact.get(t.name);
      const process = GATEWAY_PROCESS[t.name] as string;
      return [
        t.name,
        describeCounts(e?.sql ?? {}),
        fmt(
          med(runs, (r) => r.perOp.requests.catalog ?? 0),
          2,
        ),
        fmt(
          med(runs, (r) => r.perOp.sql.catalog ?? 0),
          2,
        ),
        process ? fmt(cpuMs(runs, process), 3) : "-",
        fmt(cpuMs(runs, "catalog"), 3),
        process ? mb(peaks.get(process)?.peakRssKb ?? 0) : "-",
      ];
    });
    const b10 = rps(B, "c10");
    const pagesRatio = ratio(rps(B, "varied", variedGrid), rps(D, "varied", variedGrid));
    const hiveMerged = med(runsOf(grid, D, "c10"), (r) => r.perOp.requests.catalog ?? 0);
    const routerMerged = med(runsOf(grid, B, "c10"), (r) => r.perOp.requests.catalog ?? 0);
    const goals = [
      {
        goal: "S2: (b) router >= 0.6x (a) catalog direct (10 conn)",
        value: ratio(b10, rps(A, "c10")),
        min: 0.6,
        why: "",
      },
      {
        goal: "S2: (b) router >= 1.5x (c) stock Apollo gateway (10 conn)",
        value: ratio(b10, rps(C, "c10")),
        min: 1.5,
        why: `the catalog subgraph and PostgreSQL bound every gateway: a gateway costing nothing would reach the catalog's own throughput, ${fmt(ratio(rps(A, "c10"), rps(C, "c10")), 2)}x (c), and the router spends ${compareCpu(cpuMs(runsOf(grid, B, "c10"), "router"), cpuMs(runsOf(grid, C, "c10"), "stock-gateway"))} (${fmt(cpuMs(runsOf(grid, B, "c10"), "router"), 2)} vs ${fmt(cpuMs(runsOf(grid, C, "c10"), "stock-gateway"), 2)} ms)`,
      },
      {
        goal: "S2: (b) router >= 1.0x (d) Hive Gateway (10 conn)",
        value: ratio(b10, rps(D, "c10")),
        min: 1.0,
        why: `Hive merges identical in-flight requests (${fmt(hiveMerged, 2)} catalog requests per client request, the router ${fmt(routerMerged, 2)}); with 40 distinct pages (b)/(d) = ${fmtRatio(pagesRatio)}`,
      },
    ];

    const lines = [
      "The S1 listing with `first: 24` (catalog only: one subgraph fetch), the same bytes to each target. (a) is signed by the harness as the router signs (HMAC over method, path and body, computed once per run for the fixed body, per request for the 40 pages); (c) and (d) sign in their own fetch hook (bench/src/peers/): planning, execution, serialisation and HTTP stack are theirs, defaults otherwise. Each serves router/supergraph.graphql with the routing URLs pointed at this run's ports. The four answers were checked byte-identical before the runs.",
      "",
      `Closed loop at 1, 10, 50 connections, ${options.runS} s each; fixed rate ${rate} req/s (half the slowest target's median at 10 connections); "40 pages": 10 connections asking pages 1..40 of the listing in turn (\`after\` cursors, 24 products each), so no two requests in flight are identical. Targets rotate order each repeat, ${options.reps} repeats, medians.`,
      "",
      ...table(loadHeaders("target", shown), rows),
      "",
      "Ratios of (b) our router's throughput:",
      "",
      ...table(["load", "(b)/(a) goal >= 0.6", "(b)/(c) goal >= 1.5", "(b)/(d) goal >= 1.0"], ratioRows),
      "",
      "Per operation at 10 connections (catalog requests and SQL per client request from the services' counters during the runs; below 1 means requests were merged):",
      "",
      ...table(
        [
          "target",
          "SQL, one request (exact)",
          "catalog requests / op",
          "catalog SQL / op",
          "gateway CPU ms / op",
          "catalog CPU ms / op",
          "gateway peak RSS MB",
        ],
        perOpRows,
      ),
      "",
      ...profileLines(profiles),
      ...explain(grid, variedGrid, profiles),
    ];
    return {
      id: "s2",
      title: "S2 federation overhead and peers",
      lines,
      goals: goals.map((g) => ({
        goal: g.goal,
        met: Number.isFinite(g.value) ? g.value >= g.min : null,
        detail: `${fmt(g.value, 3)}x (${fmt(b10)} vs ${fmt(b10 / g.value)} req/s)${g.value < g.min && g.why ? `: ${g.why}` : ""}`,
      })),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    ctx.meter.remove("stock-gateway");
    ctx.meter.remove("hive-gateway");
    await Promise.all(peers.map((p) => p.stop()));
  }
}

/** "about the same CPU per request" within 10%, else "N% more/less CPU per request" than the other. */
function compareCpu(ours: number, theirs: number): string {
  const change = ours / theirs - 1;
  if (!Number.isFinite(change)) return "CPU per request not measured";
  if (Math.abs(change) < 0.1) return "about the same CPU per request as the stock gateway";
  return `${Math.round(Math.abs(change) * 100)}% ${change > 0 ? "more" : "less"} CPU per request than the stock gateway`;
}

const profiled = (dir: string) => ["--cpu-prof", `--cpu-prof-dir=${dir}`];

/** The catalog and each gateway again, alone, under a CPU profiler, at 10 connections. */
async function profileGateways(
  ctx: BenchContext,
  supergraph: string,
  fixedBody: string,
  sign: (body: string) => Record<string, string>,
): Promise<Map<string, ProfileSummary>> {
  const out = new Map<string, ProfileSummary>();
  const durationS = ctx.options.runS + 1;
  const starters: [string, (dir: string) => Promise<{ url: string; stop: () => Promise<void> }>][] = [
    [A, (dir) => startExtra(ctx.platform, ctx.logDir, "catalog", "catalog-profiled", profiled(dir))],
    [B, (dir) => startExtra(ctx.platform, ctx.logDir, "router", "router-profiled", profiled(dir))],
    [C, (dir) => startStockGateway(ctx.platform, supergraph, dir, profiled(dir))],
    [D, (dir) => startHiveGateway(ctx.platform, supergraph, dir, profiled(dir))],
  ];
  for (const [name, start] of starters) {
    const dir = path.join(ctx.logDir, "profiles", name.split(" ")[0] as string);
    await mkdir(dir, { recursive: true });
    try {
      const gateway = await start(dir);
      const target = { name, url: gateway.url, body: fixedBody, ...(name === A ? { nextHeaders: sign } : {}) };
      await runLoad(target, { connections: 10, durationS: 1 });
      await runLoad(target, { connections: 10, durationS });
      await gateway.stop();
      const file = await newestProfile(dir);
      if (file) out.set(name, await summariseProfile(file));
    } catch (error) {
      ctx.log(`S2 profile of ${name} failed: ${(error as Error).message}`);
    }
  }
  return out;
}

function profileLines(profiles: Map<string, ProfileSummary>): string[] {
  if (profiles.size === 0) return [];
  return [
    "Where each gateway's CPU goes (V8 CPU profile, `node --cpu-prof`, a separate instance of each at 10 connections, share of non-idle self time):",
    "",
    ...table(
      ["gateway", "top self time"],
      [...profiles.entries()].map(([name, p]) => [
        name,
        p.top.map((t) => `${t.name} ${(t.share * 100).toFixed(0)}%`).join("; "),
      ]),
    ),
    "",
  ];
}

/** What made the difference, from this run's figures. */
function explain(
  grid: Map<string, Map<string, Measured[]>>,
  varied: Map<string, Map<string, Measured[]>>,
  profiles: Map<string, ProfileSummary>,
): string[] {
  const runs = (name: string) => runsOf(grid, name, "c10");
  const cpu = (name: string) => cpuMs(runs(name), GATEWAY_PROCESS[name] as string);
  const rps = (name: string, g = grid, key = "c10") => med(runsOf(g, name, key), (r) => r.rps);
  const catalogPerOp = (name: string, g = grid, key = "c10") =>
    med(runsOf(g, name, key), (r) => r.perOp.requests.catalog ?? 0);
  const share = (name: string, pkg: RegExp) =>
    (profiles.get(name)?.all ?? []).filter((t) => pkg.test(t.name)).reduce((a, t) => a + t.share, 0);
  const downstream = cpuMs(runs(A), "catalog") + cpuMs(runs(A), "postgres");
  const machine = cpuMs(runs(B), MACHINE);
  const stockFetch = share(C, /make-fetch-happen|minipass|@npmcli|agent-base|node-fetch|cacache/);
  const routerFetch = share(B, /undici/);
  const pct = (value: number) => `${(value * 100).toFixed(0)}%`;
  // Below 0.5 catalog requests per client request, the router merged identical fetches (SUBGRAPH_DEDUPLICATION).
  const routerMerges = catalogPerOp(B) < 0.5;
  const variedCpu = (name: string) => cpuMs(runsOf(varied, name, "varied"), GATEWAY_PROCESS[name] as string);
  return [
    "**What made the difference** (from the figures above):",
    "",
    `- The subgraph, not the gateway, sets the pace here. Behind every gateway, catalog and PostgreSQL spend ${fmt(downstream, 2)} ms of CPU per listing (${fmt(cpuMs(runs(A), "catalog"), 2)} + ${fmt(cpuMs(runs(A), "postgres"), 2)}); a gateway adds ${fmt(cpu(B), 2)} ms (router), ${fmt(cpu(C), 2)} ms (stock) or ${fmt(cpu(D), 2)} ms (Hive), and everything shares 2 cores (${fmt(machine, 2)} ms of machine CPU per request through the router). A gateway costing nothing would reach the catalog's own ${fmt(rps(A))} req/s, ${fmt(ratio(rps(A), rps(C)), 2)}x the stock gateway's ${fmt(rps(C))}: ${routerMerges ? `so (b) ${ratio(rps(B), rps(C)) >= 1.5 ? "reaches" : "approaches"} 1.5x (c) only by merging identical requests in flight (below), not by costing less` : ratio(rps(A), rps(C)) < 1.5 ? "so (b) >= 1.5x (c) cannot be met with this query on this machine" : "so (b) >= 1.5x (c) would need a router that costs almost nothing"}; the gap between gateways shows in CPU per request more than in throughput.`,
    `- Router vs stock gateway: the router spends ${compareCpu(cpu(B), cpu(C))} (${fmt(cpu(B), 2)} vs ${fmt(cpu(C), 2)} ms). Its HTTP client to subgraphs (undici) takes ${pct(routerFetch)} of its profile, the stock gateway's (make-fetch-happen, minipass-fetch, agents, node-fetch) ${pct(stockFetch)} of its; on top, the router runs on every request its operation limits and cost, CSRF prevention, the token check, request ids and metrics ("retailer router" ${pct(share(B, /^retailer /))}, @apollo/server ${pct(share(B, /^@apollo\/server$/))} of its profile, against @apollo/server ${pct(share(C, /^@apollo\/server$/))} for the stock one). Planning does not show: every gateway caches the plan of this one document.${routerMerges ? ` The router's figure at 10 connections is lowered by the fetches it merged; with 40 different pages (nothing merged) it spends ${fmt(variedCpu(B), 2)} ms against the stock gateway's ${fmt(variedCpu(C), 2)}.` : ""}`,
    `- Hive Gateway merges identical in-flight upstream requests by default: with identical requests at 10 connections the catalog got ${fmt(catalogPerOp(D), 2)} requests per client request, so Hive answered ${fmt(rps(D))} req/s while the subgraph did a tenth of the work. With 40 different pages (no two requests in flight alike) it got ${fmt(catalogPerOp(D, varied, "varied"), 2)} and answered ${fmt(rps(D, varied, "varied"))} req/s against the router's ${fmt(rps(B, varied, "varied"))}: ${fmtRatio(ratio(rps(B, varied, "varied"), rps(D, varied, "varied")))}. Merging pays when many identical requests are in flight at once (a hot page); ${routerMerges ? `the router merges them too (SUBGRAPH_DEDUPLICATION, identical anonymous queries here): the catalog got ${fmt(catalogPerOp(B), 2)} requests per router request and the router answered ${fmt(rps(B))} req/s.` : `the router merged nothing here (catalog requests per router request ${fmt(catalogPerOp(B), 2)}: SUBGRAPH_DEDUPLICATION off?).`}`,
    `- Connection pooling: every gateway kept its connections to the catalog alive (1 catalog request per client request where nothing is merged: (b) ${fmt(catalogPerOp(B, varied, "varied"), 2)} with 40 pages, (c) ${fmt(catalogPerOp(C), 2)}).`,
    "- Response caching: no target caches responses (none is configured); the catalog's public listing would allow it, and that would change every figure here.",
  ];
}
