import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  authEnv,
  baseEnv,
  createLogger,
  createMetrics,
  createTokenVerifier,
  loadConfig,
  port,
  type RunningServer,
  remoteKeys,
  startGraphQLServer,
  viewerFromHeader,
} from "@retailer/kit";
import { z } from "zod";
import { createGateway, type RouterContext, subgraphUrl } from "./gateway.js";
import { subgraphsOf } from "./subgraph-urls.js";

export const SUPERGRAPH_FILE = path.resolve(import.meta.dirname, "../supergraph.graphql");

const routerEnv = {
  NODE_ENV: baseEnv.NODE_ENV,
  LOG_LEVEL: baseEnv.LOG_LEVEL,
  HOST: baseEnv.HOST,
  SHUTDOWN_GRACE_MS: baseEnv.SHUTDOWN_GRACE_MS,
  ...authEnv,
  PORT: port(4000),
  SUPERGRAPH_FILE: z.string().min(1).default(SUPERGRAPH_FILE),
  READY_TIMEOUT_MS: z.coerce.number().int().min(1).default(2_000),
};

export interface StartRouterOptions {
  env?: Record<string, string | undefined>;
  port?: number;
  /** Serve this supergraph instead of reading SUPERGRAPH_FILE (tests compose their own). */
  supergraphSdl?: string;
}

export interface RunningRouter extends RunningServer {
  subgraphs: { name: string; url: string }[];
}

/** The router: @apollo/gateway over the static supergraph, behind kit's HTTP server. */
export async function startRouter(options: StartRouterOptions = {}): Promise<RunningRouter> {
  const env = options.env ?? process.env;
  const config = loadConfig(routerEnv, { ...env, PORT: env.ROUTER_PORT ?? env.PORT });
  const log = createLogger("router", config.LOG_LEVEL);
  const supergraphSdl = options.supergraphSdl ?? (await readFile(config.SUPERGRAPH_FILE, "utf8"));
  const subgraphs = subgraphsOf(supergraphSdl).map(({ name, url }) => ({ name, url: subgraphUrl(name, url, env) }));
  const gateway = createGateway(supergraphSdl, env, config.INTERNAL_SECRET);
  const verify = createTokenVerifier({
    keys: remoteKeys(config.USERS_JWKS_URL),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    internalSecret: config.INTERNAL_SECRET,
  });

  const server = await startGraphQLServer<RouterContext>({
    name: "router",
    host: config.HOST,
    port: options.port ?? config.PORT,
    log,
    metrics: createMetrics("router"),
    production: config.NODE_ENV === "production",
    graceMs: config.SHUTDOWN_GRACE_MS,
    apollo: { gateway },
    context: async ({ requestId, clientIp, headers }) => {
      const authorization = typeof headers.authorization === "string" ? headers.authorization : undefined;
      // A bad token is refused here with UNAUTHENTICATED, never downgraded to anonymous.
      const token = await viewerFromHeader(authorization, verify);
      return {
        requestId,
        clientIp,
        viewer: token?.viewer ?? null,
        ...(authorization ? { authorization } : {}),
        ...(typeof headers.traceparent === "string" ? { traceparent: headers.traceparent } : {}),
      };
    },
    ready: () => allReady(subgraphs, config.READY_TIMEOUT_MS),
  });
  return { ...server, subgraphs };
}

/** Ready when every subgraph answers its /ready with 200. */
async function allReady(subgraphs: { url: string }[], timeoutMs: number): Promise<boolean> {
  const results = await Promise.all(
    subgraphs.map(async ({ url }) => {
      try {
        const response = await fetch(new URL("/ready", url), { signal: AbortSignal.timeout(timeoutMs) });
        return response.ok;
      } catch {
        return false;
      }
    }),
  );
  return results.every(Boolean);
}
