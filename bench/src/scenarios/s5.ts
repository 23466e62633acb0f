/**
 * S5 start and memory: the launcher as a developer runs it (`npm start` runs
 * `node --conditions=retailer-source --import tsx scripts/start.ts`; `make
 * start` runs that after its install check), with dependencies installed
 * and an empty database (a fresh one on the benchmark's server in
 * DATABASE_URL, SEED=false), every port free and chosen by the harness.
 * Measured: the time from spawning the launcher to the router's /ready
 * answering 200; the RSS of each process idle (5 s after ready) and loaded
 * (peak during a storefront and checkout load after the benchmark catalog
 * is written into the database). Goals: under 15 s to ready; the whole
 * platform (the launcher, its processes and PostgreSQL) under 1.5 GB loaded.
 * The launcher hosts the six subgraphs in one process (scripts/host.ts), its
 * default; START_SUBGRAPHS=separate (one process each) is not measured here:
 * the compiled platform of S1-S4, reported alongside, runs them that way.
 */
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import path from "node:path";
import pg from "pg";
import { freePort } from "../../../scripts/embedded-postgres.js";
import type { BenchContext, Section } from "../context.js";
import { table } from "../context.js";
import { runLoad } from "../load.js";
import { ROOT, SUBGRAPHS, stopChild, waitReady } from "../platform.js";
import { createDatabase, dropDatabase } from "../postgres.js";
import { commandLine, processTree, pssKb, resetPeak, sample, sampleTree } from "../proc.js";
import { body, CHECKOUT, SHIPPING_ADDRESS, STOREFRONT } from "../queries.js";
import { seedBenchCatalog } from "../seed.js";
import { fmt, mb } from "../stats.js";
import { prepareCarts } from "./s3.js";

const LIMIT_MB = 1_536;
const READY_GOAL_S = 15;

export async function s5(ctx: BenchContext): Promise<Section> {
  const started = performance.now();
  const databaseUrl = await createDatabase(ctx.server.url, "retailer_bench_s5");
  const ports = new Map<string, number>();
  for (const name of [...SUBGRAPHS, "router"]) ports.set(name, await freePort());
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.endsWith("_URL") && !key.endsWith("_PORT") && key !== "PORT") env[key] = value;
  }
  Object.assign(env, {
    DATABASE_URL: databaseUrl,
    SEED: "false",
    HOST: "127.0.0.1",
    // Given, so the launcher does not write .data/secrets.json into the checkout.
    INTERNAL_SECRET: randomBytes(32).toString("hex"),
    AUTH_SECRET: randomBytes(32).toString("hex"),
    ROUTER_PORT: String(ports.get("router")),
    ...Object.fromEntries(SUBGRAPHS.map((s) => [`${s.toUpperCase()}_PORT`, String(ports.get(s))])),
  });
  const log = createWriteStream(path.join(ctx.logDir, "s5-launcher.log"));
  const t0 = performance.now();
  const launcher = spawn(process.execPath, ["--conditions=retailer-source", "--import", "tsx", "scripts/start.ts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  launcher.stdout?.pipe(log);
  launcher.stderr?.pipe(log);
  const routerUrl = `http://127.0.0.1:${ports.get("router")}`;
  try {
    const ready = await waitReady(`${routerUrl}/ready`, 120_000, launcher);
    const readyS = (performance.now() - t0) / 1000;
    if (!ready)
      throw new Error(`the router was not ready after 120 s; see ${path.join(ctx.logDir, "s5-launcher.log")}`);
    ctx.log(`S5 ready in ${fmt(readyS, 1)} s`);
    const processes = findServices(launcher.pid as number);
    if (!processes.has("subgraphs") || !processes.has("router")) {
      throw new Error(
        `only ${[...processes.keys()].join(", ")} are running (a port taken by another process?); see the launcher's log`,
      );
    }
    await new Promise((r) => setTimeout(r, ctx.options.quick ? 2_000 : 5_000));
    const idle = new Map([...processes].map(([name, pid]) => [name, measure(name, pid)]));
    for (const pid of processes.values()) for (const p of processTree(pid)) resetPeak(p);
    const pgBefore = postgresPss(ctx);

    // Loaded: the benchmark catalog, then storefront listings and checkouts together.
    const seeded = await seedBenchCatalog(databaseUrl);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query<{ id: string }>(
      `select v.id from catalog.variant v join catalog.product p on p.id = v.product_id
        where p.status = 'ACTIVE' and v.on_hand >= 2 order by md5(v.sku) limit 2000`,
    );
    const carts = await prepareCarts(
      client,
      1_000,
      Array.from({ length: 1_000 }, (_, i) => [rows[2 * i]?.id as string, rows[2 * i + 1]?.id as string]),
    );
    await client.end();
    let next = 0;
    const seconds = ctx.options.quick ? 2 : 6;
    const [listing, checkouts] = await Promise.all([
      runLoad(
        { name: "listing", url: `${routerUrl}/graphql`, body: body(STOREFRONT, { first: 24 }) },
        { connections: 50, durationS: seconds },
      ),
      runLoad(
        {
          name: "checkout",
          url: `${routerUrl}/graphql`,
          nextBody: () => {
            next += 1;
            return body(CHECKOUT, {
              input: {
                cartId: carts[next % carts.length],
                email: `s5-${next}@bench.test`,
                shippingAddress: SHIPPING_ADDRESS,
                idempotencyKey: randomUUID(),
              },
            });
          },
        },
        { connections: 10, durationS: seconds },
      ),
    ]);
    const loaded = new Map([...processes].map(([name, pid]) => [name, measure(name, pid)]));
    const pgLoaded = postgresPss(ctx);
    const rowsOut = [...processes.keys()].map((name) => [
      name,
      mb(idle.get(name)?.rssKb ?? 0),
      mb(loaded.get(name)?.rssKb ?? 0),
      mb(loaded.get(name)?.peakRssKb ?? 0),
    ]);
    const nodeIdle = [...idle.values()].reduce((a, s) => a + (s?.rssKb ?? 0), 0);
    const nodePeak = [...loaded.values()].reduce((a, s) => a + (s?.peakRssKb ?? 0), 0);
    const totalPeakMb = (nodePeak + (pgLoaded ?? 0)) / 1024;
    rowsOut.push([
      "all Node processes",
      mb(nodeIdle),
      mb([...loaded.values()].reduce((a, s) => a + (s?.rssKb ?? 0), 0)),
      mb(nodePeak),
    ]);
    if (pgBefore !== undefined && pgLoaded !== undefined) {
      rowsOut.push([
        "PostgreSQL (all its processes, PSS; the benchmark's server)",
        mb(pgBefore),
        mb(pgLoaded),
        mb(pgLoaded),
      ]);
    }
    const lines = [
      `\`node --conditions=retailer-source --import tsx scripts/start.ts\` (what \`npm start\` runs, and \`make start\` after its dependency check) with DATABASE_URL set to a new, empty database on the benchmark's PostgreSQL, SEED=false, every port free (given as <NAME>_PORT / ROUTER_PORT). The launcher starts the six subgraphs in one process (scripts/host.ts: each on its own port with its own pool, schema and event workers; it migrates the six schemas first) and the router in another, from source (tsx); the clock runs from spawning the launcher to the router's /ready answering 200: **${fmt(readyS, 1)} s**.`,
      "",
      `Idle: 5 s after ready. Loaded: the benchmark catalog (${fmt(seeded.products)} products) written into the database, then ${seconds} s of the S1 listing (first: 24) at 50 connections together with guest checkouts at 10 connections (${fmt(listing.requests)} listings at ${fmt(listing.rps)}/s with ${fmt(listing.errors)} errors, ${fmt(checkouts.requests)} checkouts at ${fmt(checkouts.rps)}/s with ${fmt(checkouts.errors)} errors). RSS of each process (with its child processes); "peak" is VmHWM since idle.`,
      "",
      ...table(["process", "idle RSS MB", "loaded RSS MB", "peak RSS MB"], rowsOut),
      "",
      `Whole platform at its peak: ${fmt(totalPeakMb)} MB (Node processes' peaks added, an upper bound, plus PostgreSQL's PSS).`,
      ...compiledLines(ctx),
    ];
    return {
      id: "s5",
      title: "S5 start and memory",
      lines,
      goals: [
        {
          goal: `S5: under ${READY_GOAL_S} s from start (empty database) to the router's /ready`,
          met: readyS < READY_GOAL_S,
          detail: `${fmt(readyS, 1)} s`,
        },
        {
          goal: "S5: whole platform under 1.5 GB loaded",
          met: totalPeakMb < LIMIT_MB,
          detail: `${fmt(totalPeakMb)} MB at peak (Node ${fmt(nodePeak / 1024)} MB${pgLoaded !== undefined ? `, PostgreSQL ${fmt(pgLoaded / 1024)} MB` : ""}; the six subgraphs in one process ${fmt((idle.get("subgraphs")?.rssKb ?? 0) / 1024)} MB idle, ${fmt((loaded.get("subgraphs")?.peakRssKb ?? 0) / 1024)} MB at peak)`,
        },
      ],
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await stopChild(launcher, 25_000);
    await dropDatabase(databaseUrl);
  }
}

/** The compiled platform of S1-S4 (as the image runs it), for comparison. */
function compiledLines(ctx: BenchContext): string[] {
  const memory = ctx.compiledMemory;
  if (!memory) return [];
  const names = [...SUBGRAPHS, "router"];
  const idle = names.reduce((a, n) => a + (memory.idle[n] ?? 0), 0);
  const peak = names.reduce((a, n) => a + (memory.peak[n] ?? 0), 0);
  return [
    "",
    "The compiled platform of S1-S4 (`node <service>/dist/main.js`, NODE_ENV=production, as the image runs it), for comparison: RSS idle after start, and the highest peak during S1-S4 (S4 held 10,000 subscribers):",
    "",
    ...table(
      ["process", "idle RSS MB", "peak RSS MB (S1-S4)"],
      [...names.map((n) => [n, mb(memory.idle[n] ?? 0), mb(memory.peak[n] ?? 0)]), ["all seven", mb(idle), mb(peak)]],
    ),
  ];
}

/** The launcher and the services it started, by name, from the process tree and command lines. */
function findServices(launcherPid: number): Map<string, number> {
  const out = new Map<string, number>([["launcher", launcherPid]]);
  for (const pid of processTree(launcherPid)) {
    const command = commandLine(pid);
    const match = /(?:subgraphs\/([a-z]+)|(router))\/src\/main\.ts|scripts\/(host)\.ts/.exec(command);
    const name = match?.[3] ? "subgraphs" : (match?.[1] ?? match?.[2]);
    if (name && !out.has(name)) out.set(name, pid);
  }
  return out;
}

/** PostgreSQL's memory (PSS of the postmaster and its processes) when it is ours to read, else undefined. */
function postgresPss(ctx: BenchContext): number | undefined {
  if (!ctx.server.postmasterPid) return undefined;
  return processTree(ctx.server.postmasterPid).reduce((a, pid) => a + pssKb(pid), 0);
}

/** The launcher alone (its tree is the whole platform); a service with its own child processes, if any. */
const measure = (name: string, pid: number) => (name === "launcher" ? sample(pid) : sampleTree(pid));
