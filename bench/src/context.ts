/** What every scenario gets: the running platform, its database, meters and the report it writes to. */
import { byLabel, scrape, total } from "./metrics.js";
import { type Platform, ProcessMeter, type ServiceName, SUBGRAPHS } from "./platform.js";
import { type BenchServer, statementCalls } from "./postgres.js";
import { fmt } from "./stats.js";

export interface Options {
  /** Shorter runs and fewer repeats: for trying the harness, not for the record. */
  quick: boolean;
  reps: number;
  /** Seconds of each closed-loop or fixed-rate run. */
  runS: number;
  mode: "dist" | "tsx";
}

export interface Goal {
  goal: string;
  met: boolean | null;
  detail: string;
}

export interface Section {
  id: string;
  title: string;
  lines: string[];
  goals: Goal[];
  seconds: number;
}

export interface BenchContext {
  options: Options;
  logDir: string;
  server: BenchServer;
  databaseUrl: string;
  statementStats: { available: boolean; why?: string };
  platform: Platform;
  /** The platform's processes (and PostgreSQL, as one tree, when embedded). */
  meter: ProcessMeter;
  log(line: string): void;
  /** RSS (kB) of the compiled platform's processes: idle after start, and the highest peak during S1-S4. */
  compiledMemory?: { idle: Record<string, number>; peak: Record<string, number> };
}

export function platformMeter(platform: Platform, server: BenchServer): ProcessMeter {
  const meter = new ProcessMeter(new Map());
  for (const service of platform.services.values()) meter.add(service.name, service.pid);
  if (server.postmasterPid) meter.addTree("postgres", server.postmasterPid);
  return meter;
}

/** Counters of every service at one moment: SQL statements, GraphQL requests received, router fetches. */
export interface Counters {
  sql: Record<string, number>;
  requests: Record<string, number>;
  fetches: Record<string, number>;
  pgCalls: number | null;
}

export async function counters(ctx: BenchContext): Promise<Counters> {
  const out: Counters = { sql: {}, requests: {}, fetches: {}, pgCalls: null };
  await Promise.all(
    [...SUBGRAPHS, "router" as const].map(async (name: ServiceName) => {
      const series = await scrape(ctx.platform.service(name).metricsUrl);
      if (name === "router") {
        out.fetches = byLabel(series, "subgraph_fetch_duration_seconds_count", "subgraph");
        out.requests.router = total(series, "http_request_duration_seconds_count", { route: "/graphql" });
      } else {
        out.sql[name] = total(series, "db_query_duration_seconds_count");
        out.requests[name] = total(series, "http_request_duration_seconds_count", { route: "/graphql" });
      }
    }),
  );
  if (ctx.statementStats.available) out.pgCalls = await statementCalls(ctx.databaseUrl);
  return out;
}

const subtract = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries(
    Object.keys(a)
      .map((k) => [k, (a[k] ?? 0) - (b[k] ?? 0)] as const)
      .filter(([, v]) => v !== 0),
  );

export function countersBetween(before: Counters, after: Counters): Counters {
  return {
    sql: subtract(after.sql, before.sql),
    requests: subtract(after.requests, before.requests),
    fetches: subtract(after.fetches, before.fetches),
    pgCalls: after.pgCalls !== null && before.pgCalls !== null ? after.pgCalls - before.pgCalls : null,
  };
}

/** Per operation: each counter divided by n, rounded to 2 decimals. */
export function perOperation(delta: Counters, n: number): Counters {
  const per = (r: Record<string, number>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round((v / n) * 100) / 100]));
  return {
    sql: per(delta.sql),
    requests: per(delta.requests),
    fetches: per(delta.fetches),
    pgCalls: delta.pgCalls === null ? null : Math.round((delta.pgCalls / n) * 100) / 100,
  };
}

export const describeCounts = (r: Record<string, number>): string => {
  const entries = Object.entries(r).filter(([, v]) => v !== 0);
  if (entries.length === 0) return "0";
  const sum = entries.reduce((a, [, v]) => a + v, 0);
  return `${fmt(sum, Number.isInteger(sum) ? 0 : 2)} (${entries.map(([k, v]) => `${k} ${fmt(v, Number.isInteger(v) ? 0 : 2)}`).join(", ")})`;
};

export function table(headers: string[], rows: (string | number)[][]): string[] {
  return [
    `| ${headers.join(" | ")} |`,
    `|${headers.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${row.map((cell) => String(cell).replace(/\|/g, "\\|")).join(" | ")} |`),
  ];
}
