import { type Logger, pino } from "pino";

export type { Logger };

/** JSON logs on stdout, one line per event; `service` on every line. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ["req.headers.authorization", "req.headers.cookie", "*.password", "*.token", "*.refreshToken"],
      censor: "[redacted]",
    },
  });
}
