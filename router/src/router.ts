import { readFile } from "node:fs/promises";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import {
  createLogger,
  type GraphQLServerOptions,
  mintServiceToken,
  type RunningServer,
  startGraphQLServer,
} from "@retailer/kit";
import { BoundedDocumentCache } from "./apq-cache.js";
import { Authenticator } from "./auth.js";
import { loadRouterConfig, type RouterConfig } from "./config.js";
import { SubgraphFetcher } from "./fetcher.js";
import { createGateway, type RouterContext, SubgraphDataSource, subgraphUrl } from "./gateway.js";
import { sandboxLandingPage } from "./landing-page.js";
import { costPlugin, limitProtections, limitsFrom, parseOptions } from "./limits.js";
import { createRouterMetrics, type RouterMetrics } from "./metrics.js";
import { subgraphsOf } from "./subgraph-urls.js";
import { clientWebSocket } from "./subscriptions/client-websocket.js";
import { EventExecutor } from "./subscriptions/event-executor.js";
import { subscriptionsOverHttpRefused } from "./subscriptions/over-http.js";
import { SubscriptionPlanner } from "./subscriptions/planner.js";
import { SubscriptionRelay } from "./subscriptions/relay.js";
import { UpstreamConnections } from "./subscriptions/upstream.js";
import { TrustedDocuments } from "./trusted-documents.js";

export { SUPERGRAPH_FILE } from "./config.js";

export interface StartRouterOptions {
  env?: Record<string, string | undefined>;
  port?: number;
  /** Serve this supergraph instead of reading SUPERGRAPH_FILE (tests compose their own). */
  supergraphSdl?: string;
}

export interface RunningRouter extends RunningServer {
  subgraphs: { name: string; url: string }[];
  metrics: RouterMetrics;
}

const SANDBOX_DOCUMENT = `query Storefront {
  products(first: 5) {
    nodes { name variants { sku price { amount currencyCode } inStock } }
  }
}
`;

/**
 * The router: @apollo/gateway over the static supergraph behind kit's HTTP
 * server, with operation limits, trusted documents or APQ, CSRF prevention
 * and CORS, pooled subgraph calls, Sandbox in development, and federated
 * subscriptions over graphql-ws on the same /graphql.
 */
export async function startRouter(options: StartRouterOptions = {}): Promise<RunningRouter> {
  const env = options.env ?? process.env;
  const config = loadRouterConfig(env);
  const log = createLogger("router", config.LOG_LEVEL);
  const metrics = createRouterMetrics();
  const supergraphSdl = options.supergraphSdl ?? (await readFile(config.SUPERGRAPH_FILE, "utf8"));
  const subgraphs = subgraphsOf(supergraphSdl).map(({ name, url }) => ({ name, url: subgraphUrl(name, url, env) }));
  const trustedDocuments = config.TRUSTED_DOCUMENTS ? await TrustedDocuments.load(config.TRUSTED_DOCUMENTS) : undefined;

  const fetcher = new SubgraphFetcher({ connections: config.SUBGRAPH_CONNECTIONS });
  const dataSource = (name: string, url: string) =>
    new SubgraphDataSource({
      name,
      url,
      fetcher,
      secret: config.INTERNAL_SECRET,
      timeoutMs: config.subgraphTimeoutMs(name),
      metrics,
      deduplicate: config.SUBGRAPH_DEDUPLICATION,
    });
  const dataSources = new Map(subgraphs.map(({ name, url }) => [name, dataSource(name, url)]));
  const gateway = createGateway({
    supergraphSdl,
    env,
    dataSource: (name, url) => dataSources.get(name) ?? dataSource(name, url),
  });
  const auth = new Authenticator(config);
  const limits = limitsFrom(config);
  const protections = limitProtections(limits, config.production);

  const planner = new SubscriptionPlanner(supergraphSdl);
  const upstream = new UpstreamConnections({
    urlOf: (name) => dataSources.get(name)?.url ?? subgraphUrl(name, undefined, env),
    authorization: async () => `Bearer ${await mintServiceToken(config.INTERNAL_SECRET, "router")}`,
    log,
  });
  const relay = new SubscriptionRelay(upstream, new EventExecutor(planner, dataSources), metrics);

  const server = await startGraphQLServer<RouterContext>({
    name: "router",
    host: config.HOST,
    port: options.port ?? config.PORT,
    log,
    metrics,
    production: config.production,
    graceMs: config.SHUTDOWN_GRACE_MS,
    bodyLimit: config.MAX_BODY_BYTES,
    cors: corsOptions(config),
    landingPage: config.introspection
      ? sandboxLandingPage({ document: SANDBOX_DOCUMENT })
      : ApolloServerPluginLandingPageDisabled(),
    beforeGraphQL: trustedDocuments ? [trustedDocuments.middleware()] : [],
    apollo: {
      gateway,
      introspection: config.introspection,
      csrfPrevention: true,
      allowBatchedHttpRequests: false,
      // Trusted documents replace APQ: no client may register a document.
      persistedQueries: trustedDocuments ? false : { cache: new BoundedDocumentCache(config.APQ_CACHE_MAX_BYTES) },
      parseOptions: parseOptions(limits),
      validationRules: protections.validationRules,
      plugins: [...protections.plugins, costPlugin(limits), subscriptionsOverHttpRefused],
    },
    websocket: clientWebSocket({
      planner,
      relay,
      auth,
      limits,
      validationRules: protections.validationRules,
      ...(trustedDocuments ? { trustedDocuments } : {}),
      production: config.production,
      log,
      metrics,
      maxSubscriptionsPerConnection: config.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxConnectionsPerClient: config.WS_MAX_CONNECTIONS_PER_CLIENT,
      maxMessageBytes: config.WS_MAX_MESSAGE_BYTES,
      connectionInitTimeoutMs: config.WS_CONNECTION_INIT_TIMEOUT_MS,
    }),
    context: async ({ requestId, clientIp, headers }) => {
      // A bad token is refused here with UNAUTHENTICATED, never downgraded to anonymous.
      const caller = await auth.authenticate(headers.authorization);
      const traceparent = typeof headers.traceparent === "string" ? headers.traceparent : undefined;
      const tracestate = typeof headers.tracestate === "string" ? headers.tracestate : undefined;
      return {
        requestId,
        clientIp,
        viewer: caller.viewer,
        ...(caller.authorization ? { authorization: caller.authorization } : {}),
        ...(traceparent ? { traceparent } : {}),
        ...(tracestate ? { tracestate } : {}),
      };
    },
    ready: () => allReady(subgraphs, config.READY_TIMEOUT_MS),
    onShutdown: async () => {
      await upstream.close();
      await fetcher.close();
    },
  });
  if (trustedDocuments) log.info({ documents: trustedDocuments.size }, "serving trusted documents only");
  return { ...server, subgraphs, metrics };
}

/** CORS_ORIGINS when set ("*" for any); otherwise any origin in development and none in production. */
function corsOptions(config: RouterConfig): NonNullable<GraphQLServerOptions<RouterContext>["cors"]> {
  const origins = config.CORS_ORIGINS;
  const origin = origins ? origins.includes("*") || origins : !config.production;
  return { origin, maxAge: 600 };
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
