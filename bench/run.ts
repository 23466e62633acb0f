/**
 * `npm run bench [-- s1 s2 ...] [--quick] [--tsx] [--reps=N] [--no-write]`
 *
 * The benchmarks of issue 11 (bench/README.md says what each measures and
 * how). Without scenario names it runs S1..S5. Everything runs on this
 * machine and talks to 127.0.0.1 only; every load is bounded in time or count.
 * The results are appended to docs/BENCHMARKS.md (unless --no-write).
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { migrateAll } from "../scripts/migrate.js";
import type { BenchContext, Goal, Options, Section } from "./src/context.js";
import { platformMeter, table } from "./src/context.js";
import { machineIdle } from "./src/exact.js";
import { build, distIsFresh, MACHINE, type Platform, ROOT, type RunMode, startPlatform } from "./src/platform.js";
import { type BenchServer, createDatabase, dropDatabase, enableStatementStats, startServer } from "./src/postgres.js";
import { loadAverage, machine, processTree, pssKb } from "./src/proc.js";
import { s1 } from "./src/scenarios/s1.js";
import { s2 } from "./src/scenarios/s2.js";
import { s3 } from "./src/scenarios/s3.js";
import { s4 } from "./src/scenarios/s4.js";
import { s5 } from "./src/scenarios/s5.js";
import { seedBenchCatalog } from "./src/seed.js";
import { fmt } from "./src/stats.js";

const ALL = ["s1", "s2", "s3", "s4", "s5"] as const;
type ScenarioId = (typeof ALL)[number];
const SCENARIOS: Record<ScenarioId, (ctx: BenchContext) => Promise<Section>> = { s1, s2, s3, s4, s5 };
const TITLES: Record<ScenarioId, string> = {
  s1: "S1 storefront listing",
  s2: "S2 federation overhead and peers",
  s3: "S3 checkout",
  s4: "S4 live tracking fan-out",
  s5: "S5 start and memory",
};
const HEADER = `# Benchmarks

Written by \`npm run bench\` (bench/): each run appends a section with the
date, the machine and the exact command. Figures are only comparable within
one run (A/B alternated and repeated, medians shown); bench/README.md says
what each scenario does and how it is measured.`;

/** The whole run stops itself after this, whatever is left. */
const DEADLINE_MS = 15 * 60_000;

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const chosen = args.filter((a) => !a.startsWith("--")).map((a) => a.toLowerCase());
for (const name of chosen) {
  if (!(ALL as readonly string[]).includes(name)) {
    console.error(`unknown scenario ${name}: use ${ALL.join(", ")}`);
    process.exit(64);
  }
}
const scenarios: ScenarioId[] = chosen.length > 0 ? (chosen as ScenarioId[]) : [...ALL];
const quick = flag("quick");
const repsArg = args.find((a) => a.startsWith("--reps="));
const options: Options = {
  quick,
  reps: repsArg ? Math.max(1, Number(repsArg.split("=")[1])) : quick ? 1 : 3,
  runS: quick ? 1 : 2,
  mode: flag("tsx") ? "tsx" : "dist",
};

const runStarted = Date.now();
const log = (line: string) =>
  console.log(`[bench ${((Date.now() - runStarted) / 1000).toFixed(0).padStart(3)}s] ${line}`);
const logDir = await mkdtemp(path.join(os.tmpdir(), "retailer-bench-"));
log(`scenarios ${scenarios.join(", ")}; logs in ${logDir}`);

let server: BenchServer | undefined;
let serverInfo = "?";
let databaseUrl: string | undefined;
let platform: Platform | undefined;
const notes: string[] = [];
let compiledMemory: BenchContext["compiledMemory"];

async function cleanup(): Promise<void> {
  await platform?.stop().catch(() => {});
  platform = undefined;
  if (databaseUrl) await dropDatabase(databaseUrl);
  databaseUrl = undefined;
  await server?.stop().catch(() => {});
  server = undefined;
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}
const watchdog = setTimeout(() => {
  log(`still running after ${DEADLINE_MS / 60_000} minutes: stopping`);
  void cleanup().finally(() => process.exit(124));
}, DEADLINE_MS);
watchdog.unref();

const sections: Section[] = [];
const setup: string[] = [];
let mode: RunMode = options.mode;
try {
  server = await startServer(log);
  serverInfo = `PostgreSQL ${server.version}${server.embedded ? " embedded (the launcher's binaries, temporary data directory, durable commits, pg_stat_statements preloaded)" : " (DATABASE_URL)"}`;
  if (scenarios.some((s) => s !== "s5")) {
    databaseUrl = await createDatabase(server.url);
    const statementStats = await enableStatementStats(databaseUrl);
    if (!statementStats.available)
      notes.push(
        `pg_stat_statements not available (${statementStats.why}): SQL counts come from the services' counters only.`,
      );
    let t = performance.now();
    await migrateAll(databaseUrl, () => {});
    setup.push(`migrations ${fmt(performance.now() - t)} ms`);
    const seeded = await seedBenchCatalog(databaseUrl);
    setup.push(
      `catalog seed (fixed seed, SQL generate_series): ${fmt(seeded.categories)} categories, ${fmt(seeded.products)} products (${fmt(seeded.activeProducts)} ACTIVE), ${fmt(seeded.variants)} variants in ${fmt(seeded.ms)} ms`,
    );
    log(setup.at(-1) as string);
    if (mode === "dist") {
      if (distIsFresh()) {
        setup.push("compiled services: dist/ was up to date");
      } else {
        t = performance.now();
        try {
          await build(path.join(logDir, "build.log"));
          setup.push(`compiled services: \`npm run build\` took ${fmt((performance.now() - t) / 1000, 1)} s`);
        } catch (error) {
          mode = "tsx";
          notes.push(`npm run build failed (${(error as Error).message}): the services ran from source with tsx.`);
        }
      }
      log(setup.at(-1) as string);
    }
    platform = await startPlatform({
      databaseUrl,
      mode,
      logDir,
      // Subscribers come from many loopback addresses (25 each), so the per-client cap is the default's.
      env: { ORDER_SWEEP_INTERVAL_MS: "600000" },
    });
    setup.push(
      `platform (${mode === "dist" ? "compiled, `node <service>/dist/main.js` as the image runs it" : "from source with tsx, as `npm start`"}): 7 processes ready in ${fmt(platform.startMs / 1000, 1)} s (${[...platform.services.values()].map((s) => `${s.name} ${fmt(s.readyMs / 1000, 1)} s`).join(", ")})`,
    );
    log(setup.at(-1) as string);
    const ctx: BenchContext = {
      options: { ...options, mode },
      logDir,
      server,
      databaseUrl,
      statementStats,
      platform,
      meter: platformMeter(platform, server),
      log,
    };
    await new Promise((r) => setTimeout(r, 2_000));
    const idleSnapshot = ctx.meter.snapshot();
    compiledMemory = {
      idle: Object.fromEntries([...idleSnapshot].map(([name, s]) => [name, s.rssKb])),
      peak: Object.fromEntries([...idleSnapshot].map(([name, s]) => [name, s.peakRssKb])),
    };
    for (const id of scenarios.filter((s) => s !== "s5")) {
      log(`${TITLES[id]}: start (load average ${loadAverage()})`);
      const section = await runScenario(id, ctx);
      sections.push(section);
      const gone = [...platform.services.values()].filter(
        (s) => s.child.exitCode !== null || s.child.signalCode !== null,
      );
      if (gone.length > 0) {
        const names = gone.map((s) => s.name).join(", ");
        section.lines.push(
          "",
          `**Warning**: ${names} exited during ${id.toUpperCase()}; its figures are not to be trusted.`,
        );
        section.goals.push({
          goal: `${id.toUpperCase()} ran with every service up`,
          met: false,
          detail: `${names} exited`,
        });
        log(`${names} exited during ${id}: stopping`);
        break;
      }
      // Each scenario resets the peaks when it starts: report this one's, and keep the highest seen.
      const peaks = [...ctx.meter.snapshot()].filter(([name]) => name !== MACHINE && name !== "postgres");
      const pgPss = server?.postmasterPid ? processTree(server.postmasterPid).reduce((a, pid) => a + pssKb(pid), 0) : 0;
      section.lines.push(
        "",
        `Peak RSS of each process during ${id.toUpperCase()} (VmHWM): ${peaks.map(([name, s]) => `${name} ${fmt(s.peakRssKb / 1024)} MB`).join(", ")}${pgPss ? `; PostgreSQL at the end of it (PSS of its processes) ${fmt(pgPss / 1024)} MB` : ""}.`,
      );
      for (const [name, s] of peaks) {
        compiledMemory.peak[name] = Math.max(compiledMemory.peak[name] ?? 0, s.peakRssKb);
      }
    }
    await platform.stop();
    platform = undefined;
  }
  if (scenarios.includes("s5")) {
    // A cold start on a quiet machine: wait for what earlier scenarios left (PostgreSQL's background work) to end.
    const waited = await machineIdle(30_000);
    log(
      `${TITLES.s5}: start after ${fmt(waited / 1000, 1)} s waiting for an idle machine (load average ${loadAverage()})`,
    );
    const ctx = {
      options: { ...options, mode },
      logDir,
      server,
      databaseUrl: databaseUrl ?? "",
      statementStats: { available: false },
      log,
      ...(compiledMemory ? { compiledMemory } : {}),
    } as unknown as BenchContext;
    sections.push(await runScenario("s5", ctx));
  }
} catch (error) {
  log(`failed: ${(error as Error).stack ?? error}`);
  notes.push(`The run failed during setup: ${(error as Error).message}`);
} finally {
  await cleanup();
}

async function runScenario(id: ScenarioId, ctx: BenchContext): Promise<Section> {
  const started = performance.now();
  try {
    const section = await SCENARIOS[id](ctx);
    log(`${TITLES[id]}: done in ${fmt(section.seconds)} s`);
    return section;
  } catch (error) {
    log(`${TITLES[id]} failed: ${(error as Error).stack ?? error}`);
    return {
      id,
      title: TITLES[id],
      lines: [`**The scenario failed**: ${(error as Error).message}`],
      goals: [{ goal: `${id.toUpperCase()} ran to the end`, met: false, detail: (error as Error).message }],
      seconds: (performance.now() - started) / 1000,
    };
  }
}

const totalS = (Date.now() - runStarted) / 1000;
log(`all done in ${fmt(totalS)} s`);
const report = render(sections, totalS);
if (flag("no-write")) {
  console.log(report);
} else {
  const file = path.join(ROOT, "docs/BENCHMARKS.md");
  const existing = await readFile(file, "utf8").catch(() => HEADER);
  await writeFile(file, `${existing.trimEnd()}\n\n${report}\n`);
  // Biome formats Markdown tables in CI's check; format the appended report the same way so the file stays clean.
  execFileSync(path.join(ROOT, "node_modules/.bin/biome"), ["format", "--write", file], { stdio: "ignore" });
  log(`appended to ${path.relative(ROOT, file)}`);
}
process.exit(sections.some((s) => s.goals.some((g) => g.met === false && g.goal.endsWith("ran to the end"))) ? 1 : 0);

function render(done: Section[], seconds: number): string {
  const m = machine();
  const goals: Goal[] = done.flatMap((s) => s.goals);
  const command = `npm run bench${args.length ? ` -- ${args.join(" ")}` : ""}`;
  return [
    `## Run of ${new Date(runStarted).toISOString().replace("T", " ").slice(0, 16)} UTC`,
    "",
    `- Command: \`${command}\` (${fmt(seconds)} s in all)`,
    `- Machine: ${m.cores} cores (${m.cpuModel}), ${fmt(m.memoryMb / 1024, 1)} GB memory, Linux ${m.kernel}, Node ${m.node}`,
    `- ${serverInfo}`,
    `- Repeats ${options.reps}, runs of ${options.runS} s${options.quick ? " (--quick: for trying the harness, not for the record)" : ""}; load generator: autocannon in the harness process, on the same 2 cores`,
    ...setup.map((line) => `- ${line}`),
    ...notes.map((line) => `- Note: ${line}`),
    "",
    "### Goals",
    "",
    ...table(
      ["goal", "result", "measured"],
      goals.map((g) => [g.goal, g.met === null ? "n/a" : g.met ? "met" : "**missed**", g.detail]),
    ),
    "",
    ...done.flatMap((s) => [`### ${s.title} (${fmt(s.seconds)} s)`, "", ...s.lines, ""]),
  ].join("\n");
}
