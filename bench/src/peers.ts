/**
 * S2's peers, each a process of its own serving the checked-in supergraph
 * (router/supergraph.graphql) with its routing URLs pointed at this run's
 * subgraph ports (the router does the same with <NAME>_URL):
 * - a stock @apollo/gateway + @apollo/server (peers/stock-gateway.mjs);
 * - Hive Gateway, its CLI (`hive-gateway supergraph <file> --host 127.0.0.1 --port N --fork 1`)
 *   with peers/hive-gateway.config.mjs (the signing hook only).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { freePort } from "../../scripts/embedded-postgres.js";
import { type Platform, ROOT, stopChild, waitReady } from "./platform.js";

export interface Peer {
  name: string;
  url: string;
  pid: number;
  child: ChildProcess;
  readyMs: number;
  stop(): Promise<void>;
}

/** router/supergraph.graphql with each subgraph's URL replaced by this run's; returns the file written. */
export async function localSupergraph(platform: Platform, dir: string): Promise<string> {
  let sdl = await readFile(path.join(ROOT, "router/supergraph.graphql"), "utf8");
  sdl = sdl.replace(/@join__graph\(name: "([a-z]+)", url: "[^"]*"\)/g, (_all, name: string) => {
    const url = platform.env[`${name.toUpperCase()}_URL`];
    if (!url) throw new Error(`no URL for subgraph ${name}`);
    return `@join__graph(name: "${name}", url: "${url}")`;
  });
  const file = path.join(dir, "supergraph.graphql");
  await writeFile(file, sdl);
  return file;
}

interface SpawnPeer {
  name: string;
  args: string[];
  env: Record<string, string>;
  /** Where the peer answers GraphQL, and a URL that answers 200 once it is up. */
  port: number;
  graphqlPath: string;
  probe: (port: number) => Promise<boolean>;
  logDir: string;
  cwd?: string;
}

async function spawnPeer(options: SpawnPeer): Promise<Peer> {
  const log = createWriteStream(path.join(options.logDir, `${options.name}.log`));
  const started = performance.now();
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const deadline = Date.now() + 60_000;
  while (!(await options.probe(options.port))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stopChild(child);
      throw new Error(`${options.name} did not start; see ${path.join(options.logDir, `${options.name}.log`)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name: options.name,
    url: `http://127.0.0.1:${options.port}${options.graphqlPath}`,
    pid: child.pid as number,
    child,
    readyMs: performance.now() - started,
    stop: () => stopChild(child, 10_000),
  };
}

/** Answers a GraphQL POST at all (any status but a refused connection). */
const answers = (url: string) => async () =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "apollo-require-preflight": "true" },
    body: JSON.stringify({ query: "{ __typename }" }),
    signal: AbortSignal.timeout(2_000),
  })
    .then((r) => r.status < 500)
    .catch(() => false);

export async function startStockGateway(
  platform: Platform,
  supergraphFile: string,
  logDir: string,
  extraNodeArgs: string[] = [],
): Promise<Peer> {
  const port = await freePort();
  return spawnPeer({
    name: "stock-gateway",
    args: [...extraNodeArgs, path.join(ROOT, "bench/src/peers/stock-gateway.mjs")],
    env: {
      NODE_ENV: "production",
      APOLLO_TELEMETRY_DISABLED: "true",
      PORT: String(port),
      SUPERGRAPH_FILE: supergraphFile,
      INTERNAL_SECRET: platform.secret,
    },
    port,
    graphqlPath: "/",
    probe: (p) => answers(`http://127.0.0.1:${p}/`)(),
    logDir,
  });
}

export async function startHiveGateway(
  platform: Platform,
  supergraphFile: string,
  logDir: string,
  extraNodeArgs: string[] = [],
): Promise<Peer> {
  const port = await freePort();
  const bin = path.join(ROOT, "node_modules/@graphql-hive/gateway/dist/bin.js");
  return spawnPeer({
    name: "hive-gateway",
    args: [
      ...extraNodeArgs,
      bin,
      "supergraph",
      supergraphFile,
      ...["--host", "127.0.0.1", "--port", String(port), "--fork", "1"],
      ...["--config-path", path.join(ROOT, "bench/src/peers/hive-gateway.config.mjs")],
    ],
    env: { NODE_ENV: "production", INTERNAL_SECRET: platform.secret },
    port,
    graphqlPath: "/graphql",
    probe: (p) => waitReady(`http://127.0.0.1:${p}/healthcheck`, 1),
    logDir,
  });
}
