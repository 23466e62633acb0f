import { createRequire } from "node:module";
import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
// A type only: the SDK itself is imported when tracing starts, never otherwise.
import type { SpanExporter } from "@opentelemetry/sdk-trace";
import { currentLogContext } from "./log-context.js";
import { maskEmails } from "./logger.js";

/**
 * OpenTelemetry tracing, off unless configured. `startTelemetry` (called by
 * `runMain` before a service starts) loads and starts the Node SDK only when
 * an OTLP endpoint is set; otherwise nothing is imported or patched, and the
 * spans below are the API's no-ops.
 *
 * What is traced when it is on:
 * - incoming HTTP requests (@opentelemetry/instrumentation-http; health,
 *   readiness and metrics probes excluded) and outgoing `node:http` ones
 *   inside a trace (Stripe's client),
 * - each GraphQL operation: kit's server makes a span named after it
 *   (`query Storefront`), child of the HTTP span,
 * - the router's subgraph fetches and kit's InternalClient calls: client spans
 *   whose `traceparent` the request carries,
 * - SQL statements inside a traced request or event (`sqlSpan`, from Kysely's
 *   query log: parameterized text only),
 * - domain events: a producer span at publish, whose `traceparent` travels in the
 *   event's envelope, and a consumer span around each handler, its child.
 *
 * Why kit makes some spans itself. Under ESM, instrumentations that hook module
 * loading see nothing loaded before they start, and every service has loaded its
 * modules by the time `runMain` runs: after the SDK starts, the modules the http
 * instrumentation patches are required once more so its require hook patches
 * them (it patches `Server.prototype`, so servers made before are covered).
 * GraphQL execution is ESM-imported by Apollo, out of reach of
 * @opentelemetry/instrumentation-graphql. @opentelemetry/instrumentation-pg needs
 * @opentelemetry/api 1.10 while @apollo/gateway's OpenTelemetry 1.x packages keep
 * the shared copy at 1.9 (the newest release fails to load; older ones pin
 * @types/pg 8.15 over kit's). Fetch and undici are not instrumented: our calls
 * are spans of their own and decide the one `traceparent` they send.
 */

export interface TelemetryOptions {
  /** Where the settings come from (default process.env); the SDK itself reads process.env. */
  env?: Record<string, string | undefined>;
  /**
   * Where spans go instead of the OTLP exporter, each as it ends (tests: an
   * in-memory exporter). With one, tracing starts even without an endpoint.
   */
  spanExporter?: SpanExporter;
}

export interface Telemetry {
  /** True when the SDK was started. */
  readonly enabled: boolean;
  /** Flushes the spans not yet exported and stops the SDK. */
  shutdown(): Promise<void>;
}

const DISABLED: Telemetry = { enabled: false, shutdown: async () => {} };

/**
 * Whether the environment asks for traces: an OTLP endpoint is set
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) or
 * `OTEL_TRACES_EXPORTER` names `console`, and neither `OTEL_SDK_DISABLED=true`
 * nor `OTEL_TRACES_EXPORTER=none` says otherwise.
 */
export function tracingConfigured(env: Record<string, string | undefined> = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? "").split(",").map((name) => name.trim().toLowerCase());
  if (exporters.includes("none")) return false;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return Boolean(endpoint) || exporters.includes("console");
}

let started: Promise<Telemetry> | undefined;

/**
 * Starts tracing for `service` when the environment asks for it (see
 * `tracingConfigured`), once per process; resolves to a handle whose
 * `shutdown` flushes. `OTEL_SERVICE_NAME` wins over `service`; sampling,
 * exporter protocol, headers and resource attributes follow the standard
 * `OTEL_*` variables.
 */
export function startTelemetry(service: string, options: TelemetryOptions = {}): Promise<Telemetry> {
  const env = options.env ?? process.env;
  if (!options.spanExporter && !tracingConfigured(env)) return Promise.resolve(DISABLED);
  started ??= startSdk(service, env, options.spanExporter).catch((error: unknown) => {
    started = undefined;
    throw error;
  });
  return started;
}

async function startSdk(
  service: string,
  env: Record<string, string | undefined>,
  spanExporter: SpanExporter | undefined,
): Promise<Telemetry> {
  const [{ NodeSDK }, { SimpleSpanProcessor }, { HttpInstrumentation }] = await Promise.all([
    import("@opentelemetry/sdk-node"),
    import("@opentelemetry/sdk-trace"),
    import("@opentelemetry/instrumentation-http"),
  ]);
  const instrumentations = [
    new HttpInstrumentation({
      // Probes and scrapes every few seconds would drown the traces.
      ignoreIncomingRequestHook: (request) => PROBES.has((request.url ?? "").split("?")[0] ?? ""),
      requireParentforOutgoingSpans: true,
    }),
  ];
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME?.trim() || service,
    instrumentations,
    // Without an exporter of ours: OTEL_TRACES_EXPORTER (default otlp) with batching, as the SDK does.
    ...(spanExporter ? { spanProcessors: [new SimpleSpanProcessor({ exporter: spanExporter })] } : {}),
    // Metrics are Prometheus's (/metrics) and logs go to stdout, unless OTEL_* asks for more.
    ...(env.OTEL_METRICS_EXPORTER ? {} : { metricReaders: [] }),
    ...(env.OTEL_LOGS_EXPORTER ? {} : { logRecordProcessors: [] }),
  });
  sdk.start();
  patchLoadedModules(instrumentations);
  return {
    enabled: true,
    shutdown: async () => {
      await sdk.shutdown();
    },
  };
}

const PROBES = new Set(["/health", "/ready", "/metrics"]);

const nodeRequire = createRequire(import.meta.url);

/**
 * Requires every module the instrumentations patch, so their require hook
 * (registered when the SDK started) patches the copies already loaded.
 */
function patchLoadedModules(instrumentations: readonly PatchingInstrumentation[]): void {
  for (const instrumentation of instrumentations) {
    for (const definition of instrumentation.getModuleDefinitions?.() ?? []) {
      try {
        nodeRequire(definition.name);
      } catch {
        // Not installed: nothing to patch.
      }
    }
  }
}

/** What patchLoadedModules needs of an instrumentation (InstrumentationBase has it). */
interface PatchingInstrumentation {
  getModuleDefinitions?(): readonly { name: string }[];
}

/** The tracer of kit's own spans (a no-op until the SDK starts). */
export const kitTracer = trace.getTracer("@retailer/kit");

/**
 * The W3C headers (`traceparent`, `tracestate`) that continue `ctx`'s trace in
 * another service. With tracing off nothing is injected, so the caller's own
 * headers (`fallback`, by default the request's log context) are passed on as
 * they came, and logs of every service still share the trace id.
 */
export function traceHeaders(
  ctx: Context = context.active(),
  fallback: { traceparent?: string | undefined; tracestate?: string | undefined } | undefined = currentLogContext(),
): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  if (!carrier.traceparent && fallback?.traceparent) {
    carrier.traceparent = fallback.traceparent;
    if (fallback.tracestate) carrier.tracestate = fallback.tracestate;
  }
  return carrier;
}

/** The trace id of the active span, when there is one. */
export function activeTraceId(ctx: Context = context.active()): string | undefined {
  const spanContext = trace.getSpan(ctx)?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/**
 * One SQL statement that just ran (`durationMs`), as a client span of the
 * active span: nothing outside a sampled request or event (pg-boss polling,
 * sweeps) and nothing when tracing is off. The text is Kysely's, with `$1`
 * placeholders: values never reach a span.
 */
export function sqlSpan(schema: string, text: string, durationMs: number, error?: unknown): void {
  const parent = trace.getActiveSpan();
  if (!parent?.isRecording()) return;
  const end = Date.now();
  const operation = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase();
  const span = kitTracer.startSpan(operation ? `${operation} ${schema}` : schema, {
    kind: SpanKind.CLIENT,
    startTime: end - durationMs,
    attributes: {
      "db.system.name": "postgresql",
      "db.namespace": schema,
      "db.query.text": text,
      ...(operation ? { "db.operation.name": operation } : {}),
    },
  });
  if (error !== undefined) spanFailed(span, error);
  span.end(end);
}

/** Marks `span` failed by `error` (email addresses masked, as in logs). */
export function spanFailed(span: Span, error: unknown): void {
  const message = maskEmails(error instanceof Error ? error.message : String(error));
  if (error instanceof Error) {
    span.recordException({ name: error.name, message, ...(error.stack ? { stack: maskEmails(error.stack) } : {}) });
  }
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/**
 * Runs `call` to another service in a client span named `name`; `call` gets the
 * W3C headers to send (see `traceHeaders`). The span ends when the call settles,
 * failed when it throws; `call` may add attributes to it.
 */
export async function tracedCall<T>(
  name: string,
  attributes: Attributes,
  call: (headers: Record<string, string>, span: Span) => Promise<T>,
  fallback?: { traceparent?: string | undefined; tracestate?: string | undefined },
): Promise<T> {
  const given = fallback ?? currentLogContext();
  // Outside any span (a subscription's event, a background job), the caller's trace context, when
  // there is one, is the parent: the call still joins the client's trace.
  const active = context.active();
  const parent =
    trace.getSpan(active) === undefined && given?.traceparent
      ? propagation.extract(active, { traceparent: given.traceparent, tracestate: given.tracestate ?? "" })
      : active;
  const span = kitTracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
  const ctx = trace.setSpan(parent, span);
  try {
    return await context.with(ctx, () => call(traceHeaders(ctx, given), span));
  } catch (error) {
    spanFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
}
