import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { ApolloServer, type ApolloServerOptions, type ApolloServerPlugin, type BaseContext } from "@apollo/server";
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import { context, propagation, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import cors from "cors";
import express, { type Request } from "express";
import { type DocumentNode, type GraphQLFormattedError, Kind, type OperationDefinitionNode } from "graphql";
import type { ServerOptions as WsServerOptions } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { SIGNATURE_HEADER, verifyRequestSignature } from "./auth/signature.js";
import { currentLogContext, type LogContext, traceIdOf, withLogContext } from "./log-context.js";
import type { Logger } from "./logger.js";
import type { Metrics } from "./metrics.js";
import { CLIENT_IP_HEADER, REQUEST_ID_HEADER, requestIdFrom } from "./request-id.js";
import { activeTraceId, kitTracer } from "./telemetry.js";

export interface RequestInfo {
  requestId: string;
  /** The client's address: the router's `x-client-ip` on signed requests, else the peer's. */
  clientIp: string;
  /** The service's logger: its lines carry this request's id, trace id and operation name. */
  log: Logger;
  headers: Record<string, string | string[] | undefined>;
}

export interface GraphQLServerOptions<Ctx extends BaseContext> {
  name: string;
  host: string;
  port: number;
  log: Logger;
  metrics: Metrics;
  production: boolean;
  /** Schema or gateway, plus any Apollo option; plugins are added to ours. */
  apollo: ApolloServerOptions<Ctx>;
  /** Builds the per-request context (loaders, viewer, ...). */
  context: (request: RequestInfo) => Promise<Ctx>;
  /** graphql-ws on the same path; omitted where the server has no subscriptions. */
  websocket?: WebSocketEndpoint;
  /** CORS for /graphql (default: any origin). */
  cors?: cors.CorsOptions;
  /**
   * The landing page plugin (e.g. Sandbox with a subscription endpoint). Default:
   * Apollo's Sandbox in development, none in production.
   */
  landingPage?: ApolloServerPlugin<Ctx>;
  /** Middleware on /graphql after the body is parsed and before Apollo (e.g. trusted documents). */
  beforeGraphQL?: express.RequestHandler[];
  /** `/ready`: true when the server can do its work (database, migrations, upstreams). */
  ready: () => Promise<boolean>;
  /** Extra routes before /graphql (e.g. webhooks, JWKS). */
  routes?: (app: express.Express) => void;
  /** Runs after the server stopped taking requests: close pools and clients. */
  onShutdown?: () => Promise<void>;
  graceMs: number;
  /** Largest request body: bytes, or a string such as "1mb" (default). Larger ones get HTTP 413. */
  bodyLimit?: string | number;
  /**
   * Refuse /graphql requests that do not carry a valid router/service
   * signature (subgraphs: their `_entities` and internal fields are not for clients).
   */
  requireSignature?: string;
}

/** graphql-ws on `/graphql`, next to HTTP. */
export interface WebSocketEndpoint {
  /** graphql-ws server options: authentication in `onConnect`, `onSubscribe`, `context`, `subscribe`, ... */
  // biome-ignore lint/suspicious/noExplicitAny: connection params and extra differ per endpoint
  options: WsServerOptions<any, any>;
  /** Largest message accepted, in bytes: ws closes the socket (1009) above it. Default 100 KiB. */
  maxPayload?: number;
  /** Open sockets allowed per client address; the next upgrade is refused with HTTP 429. */
  maxConnectionsPerClient?: number;
  /** Runs when the server stops, before the sockets close: end subscriptions cleanly. */
  drain?: () => Promise<void>;
}

export interface RunningServer {
  url: string;
  port: number;
  httpServer: http.Server;
  stop(): Promise<void>;
}

/**
 * HTTP + graphql-ws on `/graphql`, `/health`, `/ready` and `/metrics`,
 * request ids, masked unexpected errors, and a graceful stop that finishes
 * in-flight requests before closing.
 */
export async function startGraphQLServer<Ctx extends BaseContext>(
  options: GraphQLServerOptions<Ctx>,
): Promise<RunningServer> {
  const { log, metrics } = options;
  const app = express();
  app.disable("x-powered-by");
  // Behind a load balancer, TRUST_PROXY (e.g. "1" or "loopback") lets req.ip come from X-Forwarded-For.
  if (process.env.TRUST_PROXY) app.set("trust proxy", parseTrustProxy(process.env.TRUST_PROXY));
  const httpServer = http.createServer(app);
  let stopping = false;

  const plugins: ApolloServerPlugin<Ctx>[] = [
    ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: options.graceMs }),
    operationMetrics(metrics),
    operationTelemetry(log),
    // We report to no Apollo Studio: no federated traces in responses.
    ApolloServerPluginInlineTraceDisabled(),
  ];
  if (options.landingPage) plugins.push(options.landingPage);
  else if (options.production) plugins.push(ApolloServerPluginLandingPageDisabled());

  let wsServer: WebSocketServer | undefined;
  if (options.websocket) {
    const endpoint = options.websocket;
    wsServer = serveWebSocket(httpServer, endpoint, metrics, () => stopping, app);
    const cleanup = useServer(endpoint.options, wsServer);
    plugins.push({
      async serverWillStart() {
        return {
          async drainServer() {
            stopping = true;
            await endpoint.drain?.();
            await cleanup.dispose();
          },
        };
      },
    });
  }

  const apollo = new ApolloServer<Ctx>({
    ...options.apollo,
    includeStacktraceInErrorResponses: !options.production,
    // runMain owns SIGTERM: Apollo's own handler would stop the server and send the signal again,
    // which runMain takes for a second signal and exits 1 before pools close and spans are flushed.
    stopOnTerminationSignals: false,
    introspection: options.apollo.introspection ?? !options.production,
    plugins: [...plugins, ...(options.apollo.plugins ?? [])],
    formatError: (formatted, error) => {
      const masked = maskUnexpected(formatted, error, log, options.production);
      metrics.errors.inc({ code: String(masked.extensions?.code ?? "UNKNOWN") });
      return masked;
    },
  } as ApolloServerOptions<Ctx>);
  await apollo.start();

  app.use((req, res, next) => {
    const requestId = requestIdFrom(req.headers);
    res.locals.requestId = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const end = metrics.httpDuration.startTimer({ method: req.method });
    res.on("finish", () => end({ route: routeLabel(req), status: String(res.statusCode) }));
    next();
  });
  app.get("/health", (_req, res) => {
    res.status(stopping ? 503 : 200).json({ status: stopping ? "stopping" : "ok", service: options.name });
  });
  app.get("/ready", async (_req, res) => {
    const ok = !stopping && (await options.ready().catch(() => false));
    res.status(ok ? 200 : 503).json({ status: ok ? "ready" : "not ready", service: options.name });
  });
  app.get("/metrics", async (_req, res) => {
    res.setHeader("content-type", metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  options.routes?.(app);
  const secret = options.requireSignature;
  const bodyLimit = options.bodyLimit ?? "1mb";
  app.use(
    "/graphql",
    cors<cors.CorsRequest>(options.cors ?? {}),
    express.json({
      limit: bodyLimit,
      verify: (req, _res, buf) => {
        (req as Request & { rawBody?: Buffer }).rawBody = buf;
      },
    }),
    requestTelemetry(options.name),
    (req, res, next) => {
      if (!secret) return next();
      const signed = verifyRequestSignature(secret, req.header(SIGNATURE_HEADER), {
        method: req.method,
        path: req.originalUrl,
        body: (req as Request & { rawBody?: Buffer }).rawBody ?? "",
      });
      if (signed) return next();
      res.status(403).json({
        errors: [
          { message: "This service only answers the router and other services.", extensions: { code: "FORBIDDEN" } },
        ],
      });
    },
    ...(options.beforeGraphQL ?? []),
    expressMiddleware(apollo, {
      context: async ({ req, res }) =>
        options.context({
          requestId: res.locals.requestId as string,
          clientIp: clientIpOf(req, Boolean(options.requireSignature)),
          // No child logger: the log context (see requestTelemetry) adds the request's fields to every line.
          log,
          headers: req.headers,
        }),
    }),
  );
  // Errors escaping express (malformed JSON, oversized bodies): a JSON answer, never a stack.
  app.use(
    (
      error: Error & { status?: number; type?: string },
      _req: Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const status = error.status ?? 500;
      if (status >= 500) log.error({ err: error, requestId: res.locals.requestId }, "request failed");
      const code = httpErrorCode(status);
      metrics.errors.inc({ code });
      res
        .status(status)
        .json({ errors: [{ message: httpErrorMessage(error, status, bodyLimit), extensions: { code } }] });
    },
  );

  httpServer.listen(options.port, options.host);
  await once(httpServer, "listening");
  const port = (httpServer.address() as AddressInfo).port;
  const shownHost = options.host === "0.0.0.0" || options.host === "::" ? "localhost" : options.host;
  const url = `http://${shownHost}:${port}/graphql`;
  log.info({ url }, `${options.name} listening`);

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    httpServer,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        log.info("stopping: finishing in-flight requests");
        await apollo.stop();
        wsServer?.close();
        await options.onShutdown?.();
        log.info("stopped");
        await new Promise<void>((resolve) => log.flush(() => resolve()));
      })();
      return stopped;
    },
  };
}

/** Behind the router, the signed `x-client-ip` names the client; otherwise the socket's peer does. */
function clientIpOf(req: Request, signed: boolean): string {
  const forwarded = req.header(CLIENT_IP_HEADER);
  if (signed && forwarded) return forwarded;
  return req.ip ?? req.socket.remoteAddress ?? "unknown";
}

function routeLabel(req: Request): string {
  const path = req.baseUrl || req.path;
  return ["/graphql", "/health", "/ready", "/metrics"].includes(path) ? path : "other";
}

function httpErrorCode(status: number): string {
  if (status === 413) return "PAYLOAD_TOO_LARGE";
  if (status === 400) return "BAD_REQUEST";
  return status >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST";
}

function httpErrorMessage(error: Error & { type?: string }, status: number, limit: string | number): string {
  if (status >= 500) return "Internal server error";
  if (status === 413) return `The request body is larger than the limit of ${limit} bytes.`;
  if (error.type === "entity.parse.failed") return "The request body is not valid JSON.";
  return error.message;
}

/**
 * graphql-ws next to HTTP on `/graphql`: upgrades elsewhere get 404, upgrades
 * while stopping 503, and a client address over its connection cap 429.
 * Counts open sockets in `websocket_connections`.
 */
function serveWebSocket(
  httpServer: http.Server,
  endpoint: WebSocketEndpoint,
  metrics: Metrics,
  stopping: () => boolean,
  app: express.Express,
): WebSocketServer {
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: endpoint.maxPayload ?? 100 * 1024 });
  const perClient = new Map<string, number>();
  httpServer.on("upgrade", (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (path !== "/graphql") return refuseUpgrade(socket, 404, "Not Found");
    if (stopping()) return refuseUpgrade(socket, 503, "Service Unavailable");
    const client = upgradeClientIp(request, app.get("trust proxy fn") as TrustFn);
    const open = perClient.get(client) ?? 0;
    if (endpoint.maxConnectionsPerClient !== undefined && open >= endpoint.maxConnectionsPerClient) {
      metrics.errors.inc({ code: "TOO_MANY_CONNECTIONS" });
      return refuseUpgrade(socket, 429, "Too Many Requests");
    }
    upgradeAddresses.set(request, client);
    perClient.set(client, open + 1);
    metrics.websocketConnections.inc();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      metrics.websocketConnections.dec();
      const left = (perClient.get(client) ?? 1) - 1;
      if (left <= 0) perClient.delete(client);
      else perClient.set(client, left);
    };
    socket.once("close", release);
    wsServer.handleUpgrade(request, socket, head, (ws) => {
      ws.once("close", release);
      wsServer.emit("connection", ws, request);
    });
  });
  return wsServer;
}

const upgradeAddresses = new WeakMap<http.IncomingMessage, string>();

/** The client's address of a graphql-ws connection (its upgrade request), as express's req.ip would be. */
export const websocketClientIp = (request: http.IncomingMessage): string =>
  upgradeAddresses.get(request) ?? request.socket.remoteAddress ?? "unknown";

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({ errors: [{ message: reason, extensions: { code: httpErrorCode(status) } }] });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

type TrustFn = (address: string, hop: number) => boolean;

/** The client's address of an upgrade request, honouring TRUST_PROXY as express does for req.ip. */
function upgradeClientIp(request: http.IncomingMessage, trust: TrustFn | undefined): string {
  const peer = request.socket.remoteAddress ?? "unknown";
  const header = request.headers["x-forwarded-for"];
  if (!trust || !header) return peer;
  const hops = [
    peer,
    ...String(header)
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean)
      .reverse(),
  ];
  let index = 0;
  while (index < hops.length - 1 && trust(hops[index] as string, index)) index += 1;
  return hops[index] as string;
}

/** Unexpected errors are logged with their stack and answered without internals. */
export function maskUnexpected(
  formatted: GraphQLFormattedError,
  error: unknown,
  log: Logger,
  production: boolean,
): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  // graphql-ws answers errors without a code (a resolver's plain Error): those are unexpected too.
  if (code !== undefined && code !== "INTERNAL_SERVER_ERROR") return formatted;
  const original = (error as { originalError?: unknown }).originalError ?? error;
  log.error({ err: original, path: formatted.path }, "unexpected error");
  if (!production && process.env.RETAILER_SHOW_ERRORS === "true") return formatted;
  return {
    message: "Internal server error",
    ...(formatted.path ? { path: formatted.path } : {}),
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    extensions: { code: "INTERNAL_SERVER_ERROR" },
  };
}

function operationMetrics<Ctx extends BaseContext>(metrics: Metrics): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(ctx) {
          const operation = ctx.operationName ?? ctx.request.operationName ?? "anonymous";
          const type = ctx.operation?.operation ?? "unknown";
          const outcome = ctx.errors?.length ? "error" : "success";
          metrics.operations.inc({ operation, type, outcome });
          metrics.operationDuration.observe({ operation, type }, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
}

/** A GraphQL request's log context, with the span of its operation. */
interface OperationContext extends LogContext {
  span: Span;
  ended: boolean;
}

const operationContexts = new WeakMap<LogContext, OperationContext>();

/**
 * Each /graphql request in a span and a log context. The span is the
 * operation's (named `query Storefront` once Apollo has parsed it): the child
 * of the HTTP server span when the http instrumentation made one, else of the
 * caller's W3C traceparent. The log context gives every line written while
 * the request is handled its request id, trace id and operation name.
 */
function requestTelemetry(service: string): express.RequestHandler {
  return (req, res, next) => {
    const traceparent = singleHeader(req.headers.traceparent);
    const tracestate = singleHeader(req.headers.tracestate);
    const active = context.active();
    const instrumented = trace.getSpan(active) !== undefined;
    const parent = instrumented ? active : propagation.extract(active, req.headers);
    const body = req.body as { operationName?: unknown } | undefined;
    const operationName = typeof body?.operationName === "string" ? body.operationName : undefined;
    const span = kitTracer.startSpan(
      "graphql",
      {
        kind: instrumented ? SpanKind.INTERNAL : SpanKind.SERVER,
        attributes: {
          "retailer.service": service,
          ...(operationName ? { "graphql.operation.name": operationName } : {}),
        },
      },
      parent,
    );
    const spanContext = trace.setSpan(parent, span);
    const traceId = activeTraceId(spanContext) ?? traceIdOf(traceparent);
    const operation: OperationContext = {
      requestId: res.locals.requestId as string,
      ...(traceId ? { traceId } : {}),
      ...(operationName ? { operationName } : {}),
      ...(traceparent ? { traceparent } : {}),
      ...(tracestate ? { tracestate } : {}),
      span,
      ended: false,
    };
    operationContexts.set(operation, operation);
    // Refused before Apollo answers (signature, trusted documents): the span still ends.
    res.once("close", () => endOperationSpan(operation, res.statusCode));
    context.with(spanContext, () => withLogContext(operation, next));
  };
}

function endOperationSpan(operation: OperationContext, status?: number, errorCodes: string[] = []): void {
  if (operation.ended) return;
  operation.ended = true;
  const { span } = operation;
  if (errorCodes.length > 0) span.setAttribute("graphql.error.codes", errorCodes);
  const failed = errorCodes.some((code) => SERVER_ERROR.test(code)) || (status !== undefined && status >= 500);
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: errorCodes.join(", ") || `HTTP ${status}` });
  span.end();
}

/** Codes that say the service (not the caller) failed: they mark the operation's span as an error. */
const SERVER_ERROR = /^(INTERNAL_SERVER_ERROR|SUBGRAPH_|UNKNOWN$)/;

const singleHeader = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/**
 * Names the operation's span and log context once Apollo knows the operation,
 * and writes one access log line per operation: name, type, duration, error
 * codes, request id and trace id.
 */
function operationTelemetry<Ctx extends BaseContext>(log: Logger): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      const logContext = currentLogContext();
      const operation = logContext ? operationContexts.get(logContext) : undefined;
      return {
        async didResolveOperation(ctx) {
          const name = ctx.operationName ?? undefined;
          const type = ctx.operation?.operation ?? "unknown";
          if (!operation) return;
          if (name) operation.operationName = name;
          operation.span.updateName(name ? `${type} ${name}` : type);
          operation.span.setAttribute("graphql.operation.type", type);
          if (name) operation.span.setAttribute("graphql.operation.name", name);
        },
        async willSendResponse(ctx) {
          const body = ctx.response.body;
          const answered = body.kind === "single" ? body.singleResult.errors : undefined;
          const errors: readonly { extensions?: Record<string, unknown> }[] = answered ?? ctx.errors ?? [];
          const errorCodes = [
            ...new Set(errors.map((error) => String(error.extensions?.code ?? "INTERNAL_SERVER_ERROR"))),
          ];
          // An operation that failed validation was never resolved: the document may still name it.
          const written = soleOperation(ctx.document);
          const operationName =
            ctx.operationName ?? ctx.request.operationName ?? operation?.operationName ?? written?.name?.value ?? null;
          log.info(
            {
              operationName,
              operationType: ctx.operation?.operation ?? written?.operation ?? null,
              durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
              ...(errorCodes.length > 0 ? { errorCodes } : {}),
              ...(operation?.requestId ? { requestId: operation.requestId } : {}),
              ...(operation?.traceId ? { traceId: operation.traceId } : {}),
            },
            "graphql operation",
          );
          if (operation) endOperationSpan(operation, undefined, errorCodes);
        },
      };
    },
  };
}

/** The document's operation when it holds exactly one. */
function soleOperation(document: DocumentNode | undefined): OperationDefinitionNode | undefined {
  const operations = document?.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  return operations?.length === 1 ? operations[0] : undefined;
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === "true") return true;
  if (value === "false") return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}
