/**
 * `npm test`: runs vitest against DATABASE_URL when set, otherwise against an
 * embedded PostgreSQL started for this run (and removed after it).
 * Extra arguments go to vitest (e.g. `npm test -- subgraphs/catalog`).
 */
import { spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type EmbeddedServer, startEmbeddedPostgres } from "./embedded-postgres.js";

process.env.APOLLO_TELEMETRY_DISABLED = "true";
let embedded: EmbeddedServer | undefined;
let dataDir: string | undefined;
if (!process.env.DATABASE_URL) {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "retailer-test-pg-"));
  // As root, postgres runs as its own user, which must reach the data directory.
  await chmod(dataDir, 0o755);
  console.log("DATABASE_URL is unset: starting an embedded PostgreSQL for the tests");
  embedded = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, "data"),
    fast: true,
    persistent: false,
    log: console.log,
  });
  process.env.DATABASE_URL = embedded.url;
}

const vitest = spawn(
  process.execPath,
  [path.resolve(import.meta.dirname, "../node_modules/vitest/vitest.mjs"), "run", ...process.argv.slice(2)],
  {
    stdio: "inherit",
    env: process.env,
  },
);
// Ctrl-C reaches vitest too; either way it ends first, then the embedded server is stopped and removed.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => vitest.kill(signal));
const code = await new Promise<number>((resolve) => vitest.on("exit", (c, signal) => resolve(c ?? (signal ? 1 : 0))));
if (embedded) await embedded.stop().catch(() => {});
if (dataDir) await rm(dataDir, { recursive: true, force: true });
process.exit(code);
