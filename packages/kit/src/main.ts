import { ConfigError } from "./config.js";
import { startTelemetry, type Telemetry } from "./telemetry.js";

/**
 * Runs a service's start function as a process: tracing starts first when
 * configured (OTEL_EXPORTER_OTLP_ENDPOINT; the service name is `name` unless
 * OTEL_SERVICE_NAME says otherwise); a configuration error is printed (naming
 * each variable) and exits 1; SIGTERM or SIGINT stops the service gracefully
 * and flushes the spans, a second signal exits at once.
 */
export function runMain(name: string, start: () => Promise<{ stop(): Promise<void> }>): void {
  const disabled: Telemetry = { enabled: false, shutdown: async () => {} };
  const telemetry = startTelemetry(name).catch((error: unknown) => {
    // Tracing is never a reason not to serve.
    console.error(`${name}: tracing not started:`, error);
    return disabled;
  });
  telemetry
    .then(() => start())
    .then(
      (service) => {
        let signals = 0;
        const shutdown = (signal: NodeJS.Signals) => {
          signals += 1;
          if (signals > 1) process.exit(1);
          console.error(`${name}: ${signal} received, shutting down`);
          // A stop that hangs (a stuck connection) must not keep the process, or its port, alive.
          const limit = Number(process.env.SHUTDOWN_GRACE_MS ?? 10_000) + 5_000;
          setTimeout(() => {
            console.error(`${name}: did not stop within ${limit} ms, exiting`);
            process.exit(1);
          }, limit).unref();
          service
            .stop()
            .then(() => telemetry)
            // Spans not yet exported go out now; an unreachable collector does not fail the stop.
            .then((tracing) => tracing.shutdown().catch(() => {}))
            .then(
              () => process.exit(0),
              (error: unknown) => {
                console.error(`${name}: shutdown failed`, error);
                process.exit(1);
              },
            );
        };
        process.on("SIGTERM", shutdown);
        process.on("SIGINT", shutdown);
        // Started by the dev launcher: its stdin pipe closes when the launcher dies,
        // even by SIGKILL, so no orphan keeps holding a port.
        if (process.env.RETAILER_EXIT_WITH_PARENT === "true") {
          process.stdin.on("close", () => shutdown("SIGTERM"));
          process.stdin.resume();
        }
      },
      (error: unknown) => {
        if (error instanceof ConfigError) {
          console.error(`${name}: cannot start, ${error.message}`);
        } else {
          console.error(`${name}: failed to start:`, error);
        }
        process.exit(1);
      },
    );
}
