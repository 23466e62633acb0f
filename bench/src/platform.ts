/**
 * The platform under test, as separate processes (so CPU and memory are per
 * process): the six subgraphs and the router, started the way the image
 * starts them (`node subgraphs/<name>/dist/main.js`, `node router/dist/main.js`,
 * from `npm run build`) or, with --tsx or when the build fails, the way
 * `npm start` does (`node --conditions=retailer-source --import tsx .../src/main.ts`).
 * Every process listens on 127.0.0.1 on a free port; logs go to a file each.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "../../scripts/embedded-postgres.js";
import { machineCpu, type ProcSample, processTree, resetPeak, sample, sampleTree } from "./proc.js";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const SUBGRAPHS = ["users", "catalog", "cart", "orders", "payments", "notifications"] as const;
export type ServiceName = (typeof SUBGRAPHS)[number] | "router";
export const ADMIN_EMAIL = "admin@bench.test";
export const ADMIN_PASSWORD = "bench-admin-password-1";

export type RunMode = "dist" | "tsx";

export interface ServiceProcess {
  name: ServiceName;
  pid: number;
  port: number;
  /** http://127.0.0.1:<port>/graphql */
  url: string;
  metricsUrl: string;
  child: ChildProcess;
  /** Milliseconds from spawn to its /ready answering 200. */
  readyMs: number;
}

export interface Platform {
  mode: RunMode;
  env: Record<string, string>;
  secret: string;
  services: Map<ServiceName, ServiceProcess>;
  routerUrl: string;
  /** Milliseconds from the first spawn until the router's /ready answered 200. */
  startMs: number;
  service(name: ServiceName): ServiceProcess;
  stop(): Promise<void>;
}

/** The environment a service gets: ours, without routing or port overrides from the shell. */
function baseEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (key.endsWith("_URL") || key.endsWith("_PORT") || key === "PORT" || key === "NODE_OPTIONS") continue;
    out[key] = value;
  }
  return out;
}

export function entryOf(name: ServiceName, mode: RunMode): string {
  const dir = name === "router" ? "router" : `subgraphs/${name}`;
  return path.join(ROOT, dir, mode === "dist" ? "dist/main.js" : "src/main.ts");
}

export const nodeArgs = (mode: RunMode): string[] =>
  mode === "dist" ? [] : ["--conditions=retailer-source", "--import", "tsx"];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts"))
      newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Whether every package's dist is newer than its sources. */
export function distIsFresh(): boolean {
  const packages = ["packages/kit", "router", ...SUBGRAPHS.map((s) => `subgraphs/${s}`)];
  return packages.every((dir) => {
    const built = path.join(ROOT, dir, "dist", dir === "packages/kit" ? "index.js" : "main.js");
    return existsSync(built) && statSync(built).mtimeMs >= newestMtime(path.join(ROOT, dir, "src"));
  });
}

/** `npm run build`; resolves with how long it took, or rejects with its output's tail. */
export async function build(logFile: string): Promise<number> {
  const started = performance.now();
  const out = createWriteStream(logFile);
  const child = spawn("npm", ["run", "build"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: process.env });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const code = await new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
  out.end();
  if (code !== 0) throw new Error(`npm run build failed (exit ${code}); see ${logFile}`);
  return performance.now() - started;
}

export async function waitReady(url: string, timeoutMs: number, child?: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) return false;
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return true;
    await sleep(100);
  }
  return false;
}

export async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

export interface StartPlatformOptions {
  databaseUrl: string;
  mode: RunMode;
  logDir: string;
  /** Extra environment for every service (router settings included). */
  env?: Record<string, string>;
}

/** Starts the six subgraphs and the router, and waits for the router's /ready. */
/**
 * Starts the platform; when a port chosen free was taken before a service
 * bound it (other processes on the machine pick ports too), starts it all
 * again on new ports, at most three times.
 */
export async function startPlatform(options: StartPlatformOptions): Promise<Platform> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await startPlatformOnce(options);
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

/** Whether the process answering on `port` is ours: alive, and its /health names the service. */
export async function answersAs(port: number, name: string, child: ChildProcess): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return false;
  const health = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) })
    .then((r) => r.json() as Promise<{ service?: string }>)
    .catch(() => ({}) as { service?: string });
  return health.service === name && child.exitCode === null;
}

async function startPlatformOnce(options: StartPlatformOptions): Promise<Platform> {
  const secret = randomBytes(32).toString("hex");
  const ports = new Map<ServiceName, number>();
  for (const name of [...SUBGRAPHS, "router"] as ServiceName[]) ports.set(name, await freePort());
  const env: Record<string, string> = {
    ...baseEnv(),
    // As the image and docker-compose.yml run it (Compose also allows the TEST payment provider).
    NODE_ENV: "production",
    PAYMENTS_ALLOW_TEST_PROVIDER: "true",
    APOLLO_TELEMETRY_DISABLED: "true",
    LOG_LEVEL: "warn",
    HOST: "127.0.0.1",
    DATABASE_URL: options.databaseUrl,
    INTERNAL_SECRET: secret,
    AUTH_SECRET: randomBytes(32).toString("hex"),
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    SHUTDOWN_GRACE_MS: "3000",
    USERS_JWKS_URL: `http://127.0.0.1:${ports.get("users")}/.well-known/jwks.json`,
    ROUTER_PORT: String(ports.get("router")),
    // Services find each other, and the router finds them, by <NAME>_URL.
    ...Object.fromEntries(SUBGRAPHS.map((s) => [`${s.toUpperCase()}_URL`, `http://127.0.0.1:${ports.get(s)}/graphql`])),
    ...Object.fromEntries(SUBGRAPHS.map((s) => [`${s.toUpperCase()}_PORT`, String(ports.get(s))])),
    ...(options.env ?? {}),
  };
  const services = new Map<ServiceName, ServiceProcess>();
  const started = performance.now();
  const stop = async () => {
    // The router first (it holds the subscriptions and calls the others), then the subgraphs.
    const router = services.get("router");
    if (router) await stopChild(router.child);
    await Promise.all([...services.values()].filter((s) => s.name !== "router").map((s) => stopChild(s.child)));
  };
  try {
    const launch = async (name: ServiceName) => {
      const port = ports.get(name) as number;
      const log = createWriteStream(path.join(options.logDir, `${name}.log`));
      const child = spawn(process.execPath, [...nodeArgs(options.mode), entryOf(name, options.mode)], {
        cwd: ROOT,
        // Services exit when our stdin pipe closes, so a killed benchmark leaves no process behind.
        env: { ...env, PORT: String(port), RETAILER_EXIT_WITH_PARENT: "true" },
        stdio: ["pipe", "pipe", "pipe"],
      });
      child.stdout?.pipe(log);
      child.stderr?.pipe(log);
      const spawnedAt = performance.now();
      const service: ServiceProcess = {
        name,
        pid: child.pid as number,
        port,
        url: `http://127.0.0.1:${port}/graphql`,
        metricsUrl: `http://127.0.0.1:${port}/metrics`,
        child,
        readyMs: 0,
      };
      services.set(name, service);
      if (
        !(await waitReady(`http://127.0.0.1:${port}/ready`, 120_000, child)) ||
        !(await answersAs(port, name, child))
      ) {
        throw new Error(`${name} did not become ready; see ${path.join(options.logDir, `${name}.log`)}`);
      }
      service.readyMs = performance.now() - spawnedAt;
    };
    // users first: the others fetch its keys when they verify a token.
    await launch("users");
    await Promise.all([...SUBGRAPHS.filter((s) => s !== "users"), "router" as const].map(launch));
  } catch (error) {
    await stop();
    throw error;
  }
  const startMs = performance.now() - started;
  return {
    mode: options.mode,
    env,
    secret,
    services,
    routerUrl: `http://127.0.0.1:${ports.get("router")}/graphql`,
    startMs,
    service(name) {
      const found = services.get(name);
      if (!found) throw new Error(`no ${name}`);
      return found;
    },
    stop,
  };
}

/** CPU and memory of a set of named processes (a tree counts a process and its descendants), taken together. */
export class ProcessMeter {
  private readonly processes = new Map<string, { pid: number; tree: boolean }>();

  constructor(initial: Map<string, number> = new Map()) {
    for (const [name, pid] of initial) this.processes.set(name, { pid, tree: false });
  }

  names(): string[] {
    return [...this.processes.keys()];
  }

  add(name: string, pid: number): void {
    this.processes.set(name, { pid, tree: false });
  }

  addTree(name: string, pid: number): void {
    this.processes.set(name, { pid, tree: true });
  }

  remove(name: string): void {
    this.processes.delete(name);
  }

  snapshot(): Map<string, ProcSample> {
    const out = new Map<string, ProcSample>();
    for (const [name, { pid, tree }] of this.processes) {
      const s = tree ? sampleTree(pid) : sample(pid);
      if (s) out.set(name, s);
    }
    const machine = machineCpu();
    out.set(MACHINE, { pid: 0, cpuSeconds: machine.busySeconds, rssKb: 0, peakRssKb: 0 });
    return out;
  }

  resetPeaks(): void {
    for (const { pid, tree } of this.processes.values()) {
      for (const p of tree ? processTree(pid) : [pid]) resetPeak(p);
    }
  }
}

/** The pseudo-process "all CPUs of the machine" in snapshots: busy CPU seconds of everything. */
export const MACHINE = "machine";

/** CPU seconds used by each process between two snapshots. */
export function cpuBetween(before: Map<string, ProcSample>, after: Map<string, ProcSample>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, b] of before) {
    const a = after.get(name);
    if (a) out.set(name, a.cpuSeconds - b.cpuSeconds);
  }
  return out;
}

/** Another instance of a service (e.g. under a CPU profiler) over the same database and subgraphs, on a port of its own. */
export async function startExtra(
  platform: Platform,
  logDir: string,
  service: ServiceName,
  label: string,
  extraNodeArgs: string[] = [],
): Promise<{ url: string; pid: number; child: ChildProcess; stop: () => Promise<void> }> {
  const port = await freePort();
  const log = createWriteStream(path.join(logDir, `${label}.log`));
  const child = spawn(
    process.execPath,
    [...extraNodeArgs, ...nodeArgs(platform.mode), entryOf(service, platform.mode)],
    {
      cwd: ROOT,
      env: {
        ...platform.env,
        [`${service.toUpperCase()}_PORT`]: String(port),
        PORT: String(port),
        RETAILER_EXIT_WITH_PARENT: "true",
      },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  if (!(await waitReady(`http://127.0.0.1:${port}/ready`, 60_000, child)) || !(await answersAs(port, service, child))) {
    await stopChild(child);
    throw new Error(`${label} did not become ready`);
  }
  return { url: `http://127.0.0.1:${port}/graphql`, pid: child.pid as number, child, stop: () => stopChild(child) };
}
