import { createMetrics } from "@retailer/kit";
import { Counter, Histogram } from "prom-client";

/** kit's service metrics plus what only the router measures. */
export function createRouterMetrics() {
  const metrics = createMetrics("router");
  const subgraphFetchDuration = new Histogram({
    name: "subgraph_fetch_duration_seconds",
    help: "Requests from the router to subgraphs, by subgraph and outcome (ok, error, timeout, unavailable).",
    labelNames: ["subgraph", "outcome"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [metrics.registry],
  });
  const subgraphFetchesDeduplicated = new Counter({
    name: "subgraph_fetches_deduplicated_total",
    help: "Subgraph fetches answered by an identical request already in flight (SUBGRAPH_DEDUPLICATION), by subgraph.",
    labelNames: ["subgraph"] as const,
    registers: [metrics.registry],
  });
  return { ...metrics, subgraphFetchDuration, subgraphFetchesDeduplicated };
}

export type RouterMetrics = ReturnType<typeof createRouterMetrics>;
