import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** One Prometheus registry per service, with Node's process metrics and the HTTP/GraphQL basics. */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP requests by route and status.",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const operations = new Counter({
    name: "graphql_operations_total",
    help: "GraphQL operations by name, type and outcome.",
    labelNames: ["operation", "type", "outcome"] as const,
    registers: [registry],
  });
  const operationDuration = new Histogram({
    name: "graphql_operation_duration_seconds",
    help: "GraphQL operation execution time by name.",
    labelNames: ["operation", "type"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const errors = new Counter({
    name: "graphql_errors_total",
    help: "Errors answered to clients (HTTP and graphql-ws), by extensions.code.",
    labelNames: ["code"] as const,
    registers: [registry],
  });
  const websocketConnections = new Gauge({
    name: "websocket_connections",
    help: "Open graphql-ws connections.",
    registers: [registry],
  });
  const subscriptionsActive = new Gauge({
    name: "graphql_subscriptions_active",
    help: "GraphQL subscriptions being served.",
    registers: [registry],
  });
  const dbQueries = new Histogram({
    name: "db_query_duration_seconds",
    help: "SQL statements run by this service and their duration.",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  return {
    registry,
    httpDuration,
    operations,
    operationDuration,
    errors,
    websocketConnections,
    subscriptionsActive,
    dbQueries,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** A business counter of a service (orders placed, payments settled, messages sent), on its registry. */
export function businessCounter<L extends string>(
  metrics: Metrics,
  name: string,
  help: string,
  labelNames: readonly L[],
) {
  return new Counter<L>({ name, help, labelNames, registers: [metrics.registry] });
}
