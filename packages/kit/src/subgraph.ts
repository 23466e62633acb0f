import type { GraphQLSchema } from "graphql";
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import type { NonEmptyArray } from "type-graphql";
import { z } from "zod";
import type { Viewer } from "./auth/viewer.js";
import { baseEnv, loadConfig, port } from "./config.js";
import { createDatabase, type Database, migrate, migrationsApplied } from "./db.js";
import { buildFederatedSchema, type ReferenceResolvers } from "./graphql/federated-schema.js";
import { createLogger, type Logger } from "./logger.js";
import { createMetrics, type Metrics } from "./metrics.js";
import { type RequestInfo, type RunningServer, startGraphQLServer } from "./server.js";

/** What every subgraph resolver receives as its context. */
export interface SubgraphContext<DB, Loaders> {
  requestId: string;
  log: Logger;
  db: Kysely<DB>;
  loaders: Loaders;
  /** The verified caller, null when anonymous. */
  viewer: Viewer | null;
}

export interface SubgraphDefinition<DB, Loaders, Env extends z.ZodRawShape = z.ZodRawShape> {
  /** Service name, also its PostgreSQL schema. */
  name: string;
  defaultPort: number;
  migrations: Record<string, Migration>;
  // biome-ignore lint/complexity/noBannedTypes: type-graphql's own resolver class type
  resolvers: NonEmptyArray<Function>;
  // biome-ignore lint/complexity/noBannedTypes: type-graphql's own class type
  orphanedTypes?: Function[];
  referenceResolvers?: ReferenceResolvers;
  /** Per-request loaders (DataLoader), so N references cost one query. */
  loaders: (db: Kysely<DB>) => Loaders;
  /** The service's own settings beyond the shared ones. */
  env?: Env;
}

export interface RunningSubgraph<DB> extends RunningServer {
  name: string;
  database: Database<DB>;
  log: Logger;
  metrics: Metrics;
  /** SQL statements run since start (tests prove batching with it; benchmarks count per operation). */
  statementCount(): number;
}

export interface StartOptions {
  env?: Record<string, string | undefined>;
  /** Overrides the configured port (0 picks a free one, as tests do). */
  port?: number;
  /** Run migrations at start (default true). */
  migrate?: boolean;
}

/** The federated schema of a subgraph, without starting anything (for generation and tests). */
export function subgraphSchema<DB, L>(definition: SubgraphDefinition<DB, L>): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: definition.resolvers,
    ...(definition.orphanedTypes ? { orphanedTypes: definition.orphanedTypes } : {}),
    ...(definition.referenceResolvers ? { referenceResolvers: definition.referenceResolvers } : {}),
  });
}

export const subgraphEnvVar = (name: string, what: string) => `${name.toUpperCase()}_${what}`;

/** Configures, migrates and starts a subgraph: config, database, schema, HTTP + graphql-ws server. */
export async function startSubgraph<DB, L>(
  definition: SubgraphDefinition<DB, L>,
  options: StartOptions = {},
): Promise<RunningSubgraph<DB>> {
  const env = options.env ?? process.env;
  const config = loadConfig(
    { ...baseEnv, PORT: port(definition.defaultPort), ...(definition.env ?? {}) },
    // A service-specific port (CATALOG_PORT) wins over PORT, so one env file can start all services.
    { ...env, PORT: env[subgraphEnvVar(definition.name, "PORT")] ?? env.PORT },
  );
  const log = createLogger(definition.name, config.LOG_LEVEL);
  const metrics = createMetrics(definition.name);
  let statements = 0;
  const database = createDatabase<DB>({
    url: config.DATABASE_URL,
    schema: definition.name,
    poolMax: config.DB_POOL_MAX,
    applicationName: `retailer-${definition.name}`,
    onQuery: (_sql, ms) => {
      statements += 1;
      metrics.dbQueries.observe(ms / 1000);
    },
  });
  try {
    if (options.migrate !== false) {
      await migrate(database.db as Kysely<unknown>, definition.name, definition.migrations);
    }
    const schema = await subgraphSchema(definition);
    const server = await startGraphQLServer<SubgraphContext<DB, L>>({
      name: definition.name,
      host: config.HOST,
      port: options.port ?? config.PORT,
      log,
      metrics,
      production: config.NODE_ENV === "production",
      graceMs: config.SHUTDOWN_GRACE_MS,
      apollo: { schema },
      context: async (request: RequestInfo) => ({
        requestId: request.requestId,
        log: request.log,
        db: database.db,
        loaders: definition.loaders(database.db),
        viewer: null,
      }),
      ready: async () => migrationsApplied(database.db as Kysely<unknown>, definition.name, definition.migrations),
      onShutdown: () => database.close(),
    });
    return { ...server, name: definition.name, database, log, metrics, statementCount: () => statements };
  } catch (error) {
    await database.close();
    throw error;
  }
}
