/**
 * HTTP load with autocannon, on loopback only, bounded in time (and, for
 * requests that use up something such as carts, in count):
 * - closed loop: `connections` clients, each sends its next request when the
 *   last one answered;
 * - fixed rate: `overallRate` requests per second spread over the
 *   connections (autocannon paces each connection; a request is never sent
 *   early, so when the server falls behind the achieved rate drops, and is reported).
 * Latency percentiles come from every response's own timing (float
 * milliseconds), not autocannon's whole-millisecond histogram. A response
 * counts as an error when it is not HTTP 2xx, the socket failed or timed
 * out, or its JSON body has "errors".
 */
import autocannon from "autocannon";
import { cpuBetween, type ProcessMeter } from "./platform.js";
import { percentile } from "./stats.js";

export interface LoadTarget {
  /** What the row is called in the report. */
  name: string;
  url: string;
  headers?: Record<string, string>;
  /** A fixed body, or one made per request. */
  body?: string;
  nextBody?: () => string;
  /** Headers made per request (e.g. a signature over the body made by nextBody). */
  nextHeaders?: (body: string) => Record<string, string>;
  /** Whether a 2xx body is a success (default: no `"errors"` in it). */
  ok?: (body: string) => boolean;
}

export interface LoadShape {
  connections: number;
  durationS: number;
  overallRate?: number;
  /** Stop after this many requests (things that use up data, e.g. carts). */
  amount?: number;
}

export interface LoadResult {
  target: string;
  connections: number;
  overallRate?: number;
  durationS: number;
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  /** CPU seconds per process during the run. */
  cpu: Record<string, number>;
  /** CPU milliseconds per request per process. */
  cpuMsPerRequest: Record<string, number>;
  /** CPU seconds of this process (the load generator). */
  loadgenCpuS: number;
}

const defaultOk = (body: string) => !body.includes('"errors"');

export async function runLoad(target: LoadTarget, shape: LoadShape, meter?: ProcessMeter): Promise<LoadResult> {
  const url = new URL(target.url);
  if (url.hostname !== "127.0.0.1" && url.hostname !== "localhost") throw new Error("load only on loopback");
  const latencies: number[] = [];
  let errors = 0;
  const ok = target.ok ?? defaultOk;
  const headers = { "content-type": "application/json", ...(target.headers ?? {}) };
  const request: autocannon.Request = {
    method: "POST",
    path: url.pathname,
    headers,
    onResponse: (status, body) => {
      if (status >= 200 && status < 300 && !ok(body)) errors += 1;
    },
  };
  if (target.nextBody) {
    const next = target.nextBody;
    const nextHeaders = target.nextHeaders;
    request.setupRequest = (req) => {
      const body = next();
      return { ...req, body, headers: { ...headers, ...(nextHeaders ? nextHeaders(body) : {}) } };
    };
  } else {
    request.body = target.body ?? "";
    if (target.nextHeaders) request.headers = { ...headers, ...target.nextHeaders(target.body ?? "") };
  }
  const before = meter?.snapshot();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url.protocol}//${url.host}`,
        connections: shape.connections,
        duration: shape.durationS,
        ...(shape.amount ? { amount: shape.amount } : {}),
        ...(shape.overallRate ? { overallRate: shape.overallRate } : {}),
        timeout: 30,
        requests: [request],
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else errors += 1;
    });
  });
  const elapsedS = (performance.now() - started) / 1000;
  const cpuUsed = process.cpuUsage(cpuBefore);
  const after = meter?.snapshot();
  const completed = result.requests.total;
  const cpu = before && after ? Object.fromEntries(cpuBetween(before, after)) : {};
  const count = Math.max(1, completed);
  return {
    target: target.name,
    connections: shape.connections,
    ...(shape.overallRate ? { overallRate: shape.overallRate } : {}),
    durationS: elapsedS,
    requests: completed,
    rps: completed / Math.max(result.duration || elapsedS, 0.001),
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    errors: errors + result.errors + result.timeouts,
    cpu,
    cpuMsPerRequest: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, (v * 1000) / count])),
    loadgenCpuS: (cpuUsed.user + cpuUsed.system) / 1e6,
  };
}

/** One POST, its JSON answer (for warm-ups, checks and per-operation counts). */
export async function post<T = unknown>(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: T }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = { text };
  }
  return { status: response.status, json: json as T };
}
