import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { context, propagation, trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withLogContext } from "../src/log-context.js";
import { kitTracer, startTelemetry, traceHeaders, tracingConfigured } from "../src/telemetry.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const TELEMETRY = pathToFileURL(fileURLToPath(new URL("../src/telemetry.ts", import.meta.url))).href;

describe("tracingConfigured", () => {
  it("is off unless an OTLP endpoint (or the console exporter) is set", () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: "" })).toBe(false);
    expect(tracingConfigured({ OTEL_SERVICE_NAME: "catalog" })).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://tempo:4318" })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://tempo:4318/v1/traces" })).toBe(true);
    expect(tracingConfigured({ OTEL_TRACES_EXPORTER: "console" })).toBe(true);
  });

  it("is off when the standard switches say so, endpoint or not", () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://tempo:4318" };
    expect(tracingConfigured({ ...endpoint, OTEL_SDK_DISABLED: "true" })).toBe(false);
    expect(tracingConfigured({ ...endpoint, OTEL_TRACES_EXPORTER: "none" })).toBe(false);
  });
});

describe("with OTEL_EXPORTER_OTLP_ENDPOINT unset", () => {
  it("starts nothing: no provider, no propagator, no patched module, no-op spans", async () => {
    const telemetry = await startTelemetry("catalog", { env: {} });
    expect(telemetry.enabled).toBe(false);
    const span = kitTracer.startSpan("nothing");
    expect(span.isRecording()).toBe(false);
    span.end();
    expect(propagation.fields()).toEqual([]);
    expect("__wrapped" in http.Server.prototype.emit).toBe(false);
    // No trace context is made up; the caller's is passed on as it came (logs still correlate).
    expect(traceHeaders(context.active(), undefined)).toEqual({});
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    expect(withLogContext({ traceparent }, () => traceHeaders())).toEqual({ traceparent });
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it("does not even load the SDK (a service process, module loading recorded)", async () => {
    const result = await probe({});
    expect(result.enabled).toBe(false);
    expect(result.recording).toBe(false);
    expect(result.httpPatched).toBe(false);
    expect(result.loaded.some((url) => url.includes("/@opentelemetry/api/"))).toBe(true);
    expect(result.loaded.filter((url) => /\/@opentelemetry\/(?!api\/)/.test(url))).toEqual([]);
  });
});

describe("with OTEL_EXPORTER_OTLP_ENDPOINT set", () => {
  const received: { path: string; contentType: string; body: Buffer }[] = [];
  let collector: http.Server;
  let endpoint: string;

  beforeAll(async () => {
    // A tiny OTLP/HTTP receiver: records what the exporter posts.
    collector = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        received.push({
          path: req.url ?? "",
          contentType: String(req.headers["content-type"]),
          body: Buffer.concat(chunks),
        });
        res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

  it("starts the SDK, patches http and exports spans over OTLP with the service's name", async () => {
    const result = await probe({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    expect(result.enabled).toBe(true);
    expect(result.recording).toBe(true);
    expect(result.httpPatched).toBe(true);
    // The recording sees the SDK load when it does, so its absence above means something.
    expect(result.loaded.some((url) => url.includes("/@opentelemetry/sdk-node/"))).toBe(true);
    const traces = received.filter((request) => request.path === "/v1/traces");
    expect(traces.length).toBeGreaterThan(0);
    expect(traces[0]?.contentType).toBe("application/x-protobuf");
    const body = Buffer.concat(traces.map((request) => request.body)).toString("latin1");
    expect(body).toContain("probe-service");
    expect(body).toContain("probe span");
    expect(body).toContain(result.traceId ? Buffer.from(result.traceId, "hex").toString("latin1") : "missing");
  });
});

interface ProbeResult {
  enabled: boolean;
  recording: boolean;
  httpPatched: boolean;
  traceId: string | null;
  loaded: string[];
}

/**
 * Runs startTelemetry("probe-service") in a fresh Node process, as runMain does,
 * recording every module it loads, and reports what it started.
 */
async function probe(env: Record<string, string>): Promise<ProbeResult> {
  const dir = await mkdtemp(path.join(tmpdir(), "retailer-telemetry-"));
  const script = path.join(dir, "probe.mts");
  await writeFile(
    script,
    `import { registerHooks } from "node:module";
const loaded: string[] = [];
registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context);
    loaded.push(result.url);
    return result;
  },
});
const { kitTracer, startTelemetry } = await import(${JSON.stringify(TELEMETRY)});
const telemetry = await startTelemetry("probe-service");
const span = kitTracer.startSpan("probe span");
const recording = span.isRecording();
const traceId = recording ? span.spanContext().traceId : null;
span.end();
await telemetry.shutdown();
const http = await import("node:http");
console.log(JSON.stringify({
  enabled: telemetry.enabled,
  recording,
  traceId,
  httpPatched: "__wrapped" in http.Server.prototype.emit,
  loaded,
}));
`,
  );
  try {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("OTEL_")));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ["--conditions=retailer-source", "--import", "tsx", script],
        { cwd: ROOT, env: { ...inherited, ...env }, timeout: 60_000 },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      );
    });
    const line = stdout.trim().split("\n").at(-1) ?? "{}";
    return JSON.parse(line) as ProbeResult;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
