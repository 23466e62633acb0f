import path from "node:path";
import { authEnv, baseEnv, ConfigError, loadConfig, port } from "@retailer/kit";
import { z } from "zod";

export const SUPERGRAPH_FILE = path.resolve(import.meta.dirname, "../supergraph.graphql");

const int = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);
const flag = z.enum(["true", "false"]).transform((value) => value === "true");
const list = z
  .string()
  .transform((value) =>
    value
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string()));

/** Every router setting, read once from the environment (docs/router.md explains each). */
export const routerEnv = {
  NODE_ENV: baseEnv.NODE_ENV,
  LOG_LEVEL: baseEnv.LOG_LEVEL,
  HOST: baseEnv.HOST,
  SHUTDOWN_GRACE_MS: baseEnv.SHUTDOWN_GRACE_MS,
  ...authEnv,
  PORT: port(4000),
  SUPERGRAPH_FILE: z.string().min(1).default(SUPERGRAPH_FILE),
  READY_TIMEOUT_MS: int(1, 2_000),
  // Exposure
  ROUTER_INTROSPECTION: flag.optional(),
  CORS_ORIGINS: list.optional(),
  TRUSTED_DOCUMENTS: z.string().min(1).optional(),
  APQ_CACHE_MAX_BYTES: int(0, 8 * 1024 * 1024),
  // Operation limits
  MAX_BODY_BYTES: int(1_024, 1_000_000),
  MAX_DEPTH: int(1, 15),
  MAX_ALIASES: int(0, 30),
  MAX_ROOT_FIELDS: int(1, 20),
  MAX_TOKENS: int(10, 5_000),
  MAX_DIRECTIVES: int(0, 50),
  MAX_COST: int(1, 10_000),
  COST_LIST_SIZE: int(1, 10),
  // Subgraph calls
  SUBGRAPH_TIMEOUT_MS: int(1, 10_000),
  SUBGRAPH_CONNECTIONS: int(1, 128),
  SUBGRAPH_DEDUPLICATION: flag.default(true),
  // Subscriptions
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: int(1, 20),
  WS_MAX_CONNECTIONS_PER_CLIENT: int(1, 50),
  WS_MAX_MESSAGE_BYTES: int(1_024, 100 * 1024),
  WS_CONNECTION_INIT_TIMEOUT_MS: int(1, 3_000),
};

export type RouterConfig = ReturnType<typeof loadRouterConfig>;

export function loadRouterConfig(env: Record<string, string | undefined>) {
  const config = loadConfig(routerEnv, { ...env, PORT: env.ROUTER_PORT ?? env.PORT });
  const production = config.NODE_ENV === "production";
  return Object.freeze({
    ...config,
    production,
    /** Introspection and Sandbox: on in development, off in production unless ROUTER_INTROSPECTION=true. */
    introspection: config.ROUTER_INTROSPECTION ?? !production,
    /** Per-subgraph timeouts: <NAME>_TIMEOUT_MS wins over SUBGRAPH_TIMEOUT_MS. */
    subgraphTimeoutMs: (name: string): number => {
      const variable = `${name.toUpperCase()}_TIMEOUT_MS`;
      const given = env[variable];
      if (given === undefined || given === "") return config.SUBGRAPH_TIMEOUT_MS;
      const value = Number(given);
      if (!Number.isInteger(value) || value < 1) {
        throw new ConfigError([`${variable}: must be a whole number of milliseconds (got ${JSON.stringify(given)})`]);
      }
      return value;
    },
  });
}
