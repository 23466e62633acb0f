/**
 * `npm start` / `make start`: the whole platform on one machine.
 * - DATABASE_URL unset: an embedded PostgreSQL with its data in .data/ (a stale
 *   server from a killed run is stopped first); set: that server is used.
 * - Migrates every schema, seeds demo data into an empty catalog (SEED=false skips),
 * - starts the six subgraphs in one child process (scripts/host.ts; each on
 *   its own port, as if alone) or, with START_SUBGRAPHS=separate, one process
 *   each, and the router in another, with readable logs prefixed by service,
 *   and prints the Sandbox URL once the router is ready.
 * The launcher itself loads no service code: migrating and seeding happen in
 * the child that hosts the subgraphs (or, separate, a short-lived one first).
 * Ctrl-C (or SIGTERM) stops everything, embedded PostgreSQL included.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { type EmbeddedServer, startEmbeddedPostgres } from "./embedded-postgres.js";
import { ROOT, readSupergraphConfig } from "./supergraph-config.js";

const COLORS = [36, 33, 35, 32, 34, 91, 96];
const color = (code: number, text: string) => (process.stdout.isTTY ? `\x1b[${code}m${text}\x1b[0m` : text);
const say = (line: string) => console.log(`${color(1, "[retailer]")} ${line}`);

const children = new Map<string, ChildProcess>();
let embedded: EmbeddedServer | undefined;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  say("stopping...");
  await Promise.all(
    [...children.values()].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
          setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
        }),
    ),
  );
  if (embedded) await embedded.stop().catch((error: unknown) => say(`embedded PostgreSQL: ${String(error)}`));
  say("stopped");
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

const LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };

/** pino's JSON lines as `time level message {fields}` with the service that logged it; anything else as it is. */
function pretty(line: string): { service?: string; text: string } {
  try {
    const { time, level, msg, service, name: _n, pid: _p, hostname: _h, ...rest } = JSON.parse(line);
    if (typeof level !== "number") return { text: line };
    const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : "";
    return {
      service: typeof service === "string" ? service : undefined,
      text: `${String(time).slice(11, 23)} ${LEVELS[level] ?? level} ${msg ?? ""}${extra}`,
    };
  } catch {
    return { text: line };
  }
}

const colors = new Map<string, number>();
const prefixOf = (name: string) => {
  if (!colors.has(name)) colors.set(name, COLORS[colors.size % COLORS.length] as number);
  return color(colors.get(name) as number, `[${name.padEnd(13)}]`);
};

/** Runs a TypeScript entry with Node; its log lines are prefixed by the service that wrote them. */
function spawnEntry(name: string, entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ["--conditions=retailer-source", "--import", "tsx", entry], {
    cwd: ROOT,
    env: { ...env, RETAILER_EXIT_WITH_PARENT: "true" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.set(name, child);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      const { service, text } = pretty(line);
      console.log(`${prefixOf(service ?? name)} ${text}`);
    });
  }
  return child;
}

/** A long-running part of the platform: when it exits, the platform stops. */
function launch(name: string, entry: string, env: NodeJS.ProcessEnv): void {
  spawnEntry(name, entry, env).on("exit", (code, signal) => {
    if (stopping) return;
    say(`${name} exited (${signal ?? `code ${code}`}): stopping the platform`);
    void shutdown(1);
  });
}

/** A step that must finish first (migrating, seeding): resolves when it exits 0, stops the platform otherwise. */
function runStep(name: string, entry: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve) => {
    spawnEntry(name, entry, env).on("exit", (code, signal) => {
      children.delete(name);
      if (code === 0) return resolve();
      if (stopping) return;
      say(`${name} failed (${signal ?? `code ${code}`}): stopping the platform`);
      void shutdown(1);
    });
  });
}

async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const exists = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (exists.rowCount === 0) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function waitReady(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    const ok = await fetch(url)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return true;
    await sleep(250);
  }
  return false;
}

/**
 * INTERNAL_SECRET and AUTH_SECRET, when not given: made once and kept in
 * .data/secrets.json, so sessions and signing keys survive restarts.
 */
async function devSecrets(): Promise<Record<string, string>> {
  const file = path.join(ROOT, ".data/secrets.json");
  const kept = await readFile(file, "utf8")
    .then((text) => JSON.parse(text) as Record<string, string>)
    .catch(() => null);
  if (kept) return kept;
  const made = { INTERNAL_SECRET: randomBytes(32).toString("hex"), AUTH_SECRET: randomBytes(32).toString("hex") };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(made, null, 2), { mode: 0o600 });
  return made;
}

const env: NodeJS.ProcessEnv = { ...process.env, APOLLO_TELEMETRY_DISABLED: "true" };
env.NODE_ENV ??= "development";
if (!env.INTERNAL_SECRET || !env.AUTH_SECRET) {
  const secrets = await devSecrets();
  env.INTERNAL_SECRET ||= secrets.INTERNAL_SECRET;
  env.AUTH_SECRET ||= secrets.AUTH_SECRET;
}
if (!env.DATABASE_URL) {
  embedded = await startEmbeddedPostgres({
    dataDir: path.join(ROOT, ".data/postgres"),
    ...(env.EMBEDDED_PG_PORT ? { port: Number(env.EMBEDDED_PG_PORT) } : {}),
    log: say,
  });
  env.DATABASE_URL = await ensureDatabase(embedded.url, "retailer");
  say(`embedded PostgreSQL on port ${embedded.port} (data in .data/postgres)`);
} else {
  say("using DATABASE_URL");
}

const config = await readSupergraphConfig();
const names = Object.keys(config.subgraphs);
// One PORT would make every service claim it: each takes <NAME>_PORT or its default.
delete env.PORT;
for (const name of names) {
  const port = env[`${name.toUpperCase()}_PORT`];
  const urlKey = `${name.toUpperCase()}_URL`;
  if (port && !env[urlKey]) env[urlKey] = `http://127.0.0.1:${port}/graphql`;
}
// Every service and the router verify user tokens against the users service's keys: follow it when it moves.
if (env.USERS_PORT && !env.USERS_JWKS_URL)
  env.USERS_JWKS_URL = `http://127.0.0.1:${env.USERS_PORT}/.well-known/jwks.json`;
// Colours in supergraph.yaml order, whichever service logs first.
for (const name of names) prefixOf(name);

const seeding = env.SEED !== "false";
if (env.START_SUBGRAPHS === "separate") {
  await runStep(seeding ? "seed" : "migrate", seeding ? "scripts/seed.ts" : "scripts/migrate.ts", env);
  for (const name of names) launch(name, `subgraphs/${name}/src/main.ts`, env);
} else if (!env.START_SUBGRAPHS || env.START_SUBGRAPHS === "shared") {
  launch("subgraphs", "scripts/host.ts", { ...env, SUBGRAPHS: names.join(","), HOST_SEED: String(seeding) });
} else {
  say(`START_SUBGRAPHS must be shared or separate, not ${env.START_SUBGRAPHS}`);
  await shutdown(1);
}
launch("router", "router/src/main.ts", env);

const routerPort = env.ROUTER_PORT ?? "4000";
if (await waitReady(`http://127.0.0.1:${routerPort}/ready`, 120_000)) {
  say(`ready: open Apollo Sandbox at ${color(1, `http://localhost:${routerPort}/graphql`)}  (Ctrl-C stops)`);
} else if (!stopping) {
  say("the router did not become ready in 120 s: stopping");
  await shutdown(1);
}
