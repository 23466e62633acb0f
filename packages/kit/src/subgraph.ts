import type express from "express";
import type { GraphQLSchema } from "graphql";
import type { JWTVerifyGetKey } from "jose";
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import type { NonEmptyArray } from "type-graphql";
import { z } from "zod";
import { createTokenVerifier, remoteKeys, type VerifiedToken, viewerFromHeader } from "./auth/tokens.js";
import type { Viewer } from "./auth/viewer.js";
import { authEnv, baseEnv, loadConfig, port } from "./config.js";
import { createDatabase, type Database, migrate, migrationsApplied } from "./db.js";
import { EventBus } from "./events/bus.js";
import { buildFederatedSchema, type ReferenceResolvers } from "./graphql/federated-schema.js";
import { InternalClient } from "./internal-client.js";
import { createLogger, type Logger } from "./logger.js";
import { createMetrics, type Metrics } from "./metrics.js";
import { type RequestInfo, type RunningServer, startGraphQLServer } from "./server.js";
import { subgraphWebSocket } from "./subscriptions/subgraph-websocket.js";

/** Settings of every subgraph, before its own. */
export const subgraphEnv = { ...baseEnv, ...authEnv };
type SubgraphEnv = typeof subgraphEnv;

/** What every subgraph resolver receives as its context. */
export interface SubgraphContext<DB, Loaders, Services = unknown> {
  requestId: string;
  clientIp: string;
  log: Logger;
  db: Kysely<DB>;
  loaders: Loaders;
  /** The verified caller, null when anonymous. */
  viewer: Viewer | null;
  /** When the caller's token expires (seconds since the epoch), null when anonymous. */
  tokenExpiresAt: number | null;
  bus: EventBus;
  /** What the service's setup made: its domain services, clients, ... */
  services: Services;
}

/** What a service's setup receives: everything started before its server. */
export interface ServiceDeps<DB, Env extends z.ZodRawShape> {
  db: Kysely<DB>;
  database: Database<DB>;
  config: Readonly<z.infer<z.ZodObject<SubgraphEnv & Env>>>;
  log: Logger;
  metrics: Metrics;
  bus: EventBus;
  internal: InternalClient;
}

export interface ServiceSetup<Services> {
  services: Services;
  /** Extra HTTP routes (webhooks, JWKS). */
  routes?: (app: express.Express) => void;
  /** Keys to verify user tokens with, instead of fetching USERS_JWKS_URL (the users service itself). */
  keys?: JWTVerifyGetKey;
  /** After the bus and server are up: subscribe event handlers, start jobs. */
  start?: () => Promise<void>;
  onShutdown?: () => Promise<void>;
}

export interface SubgraphDefinition<DB, Loaders, Services = unknown, Env extends z.ZodRawShape = z.ZodRawShape> {
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
  setup?: (deps: ServiceDeps<DB, Env>) => Promise<ServiceSetup<Services>> | ServiceSetup<Services>;
}

export interface RunningSubgraph<DB, Services = unknown> extends RunningServer {
  name: string;
  database: Database<DB>;
  log: Logger;
  metrics: Metrics;
  bus: EventBus;
  services: Services;
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
export function subgraphSchema<DB, L, S, E extends z.ZodRawShape>(
  definition: SubgraphDefinition<DB, L, S, E>,
): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: definition.resolvers,
    ...(definition.orphanedTypes ? { orphanedTypes: definition.orphanedTypes } : {}),
    ...(definition.referenceResolvers ? { referenceResolvers: definition.referenceResolvers } : {}),
  });
}

export const subgraphEnvVar = (name: string, what: string) => `${name.toUpperCase()}_${what}`;

/** Configures, migrates and starts a subgraph: config, database, event bus, schema, HTTP + graphql-ws server. */
export async function startSubgraph<DB, L, S, E extends z.ZodRawShape>(
  definition: SubgraphDefinition<DB, L, S, E>,
  options: StartOptions = {},
): Promise<RunningSubgraph<DB, S>> {
  const env = options.env ?? process.env;
  const fullConfig = loadConfig(
    { ...subgraphEnv, PORT: port(definition.defaultPort), ...((definition.env ?? {}) as E) },
    // A service-specific port (CATALOG_PORT) wins over PORT, so one env file can start all services.
    { ...env, PORT: env[subgraphEnvVar(definition.name, "PORT")] ?? env.PORT },
  );
  // The shared settings, typed without the service's own.
  const config = fullConfig as unknown as Readonly<z.infer<z.ZodObject<SubgraphEnv>>> & { PORT: number };
  const log = createLogger(definition.name, config.LOG_LEVEL);
  const metrics = createMetrics(definition.name);
  let statements = 0;
  const database = createDatabase<DB>({
    url: config.DATABASE_URL,
    schema: definition.name,
    poolMax: config.DB_POOL_MAX,
    applicationName: `retailer-${definition.name}`,
    onConnectionError: (error) => log.warn({ err: error }, "idle database connection failed"),
    onQuery: (_sql, ms) => {
      statements += 1;
      metrics.dbQueries.observe(ms / 1000);
    },
  });
  const bus = new EventBus({ url: config.DATABASE_URL, service: definition.name, log, metrics });
  const internal = new InternalClient({ service: definition.name, secret: config.INTERNAL_SECRET, log, env });
  let setup: ServiceSetup<S> | undefined;
  try {
    if (options.migrate !== false) {
      await migrate(database.db as Kysely<unknown>, definition.name, definition.migrations);
    }
    await bus.start();
    setup = await definition.setup?.({
      db: database.db,
      database,
      config: fullConfig as unknown as ServiceDeps<DB, E>["config"],
      log,
      metrics,
      bus,
      internal,
    });
    const verify = createTokenVerifier({
      keys: setup?.keys ?? remoteKeys(config.USERS_JWKS_URL),
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      internalSecret: config.INTERNAL_SECRET,
    });
    const schema = await subgraphSchema(definition);
    const services = setup?.services as S;
    /** One context shape for HTTP requests and subscriptions. */
    const contextFor = (
      request: { requestId: string; clientIp: string; log: Logger },
      token: VerifiedToken | null,
    ): SubgraphContext<DB, L, S> => ({
      requestId: request.requestId,
      clientIp: request.clientIp,
      log: request.log,
      db: database.db,
      loaders: definition.loaders(database.db),
      viewer: token?.viewer ?? null,
      tokenExpiresAt: token?.expiresAt ?? null,
      bus,
      services,
    });
    const server = await startGraphQLServer<SubgraphContext<DB, L, S>>({
      name: definition.name,
      host: config.HOST,
      port: options.port ?? config.PORT,
      log,
      metrics,
      production: config.NODE_ENV === "production",
      graceMs: config.SHUTDOWN_GRACE_MS,
      apollo: { schema },
      requireSignature: config.INTERNAL_SECRET,
      context: async (request: RequestInfo) => {
        const header = request.headers.authorization;
        return contextFor(request, await viewerFromHeader(typeof header === "string" ? header : undefined, verify));
      },
      ...(setup?.routes ? { routes: setup.routes } : {}),
      // graphql-ws for the router when the schema has a Subscription type (see subscriptions/subgraph-websocket.ts).
      ...(schema.getSubscriptionType()
        ? {
            websocket: subgraphWebSocket<SubgraphContext<DB, L, S>>({
              schema,
              verify,
              log,
              metrics,
              production: config.NODE_ENV === "production",
              context: (request) => contextFor(request, request.token),
              // Each event is resolved with fresh loaders, so no event reads another's cached rows.
              beforeEachEvent: (context) => {
                context.loaders = definition.loaders(database.db);
              },
            }),
          }
        : {}),
      ready: async () => migrationsApplied(database.db as Kysely<unknown>, definition.name, definition.migrations),
      onShutdown: async () => {
        await setup?.onShutdown?.();
        await bus.stop();
        await database.close();
      },
    });
    await setup?.start?.();
    return {
      ...server,
      name: definition.name,
      database,
      log,
      metrics,
      bus,
      services,
      statementCount: () => statements,
    };
  } catch (error) {
    await setup?.onShutdown?.().catch(() => {});
    await bus.stop().catch(() => {});
    await database.close();
    throw error;
  }
}

/** Any subgraph's definition, for code that handles them all (launcher, generation, tests). */
// biome-ignore lint/suspicious/noExplicitAny: each subgraph has its own database, loader, service and env types
export type AnySubgraph = SubgraphDefinition<any, any, any, any>;
