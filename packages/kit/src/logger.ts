import { isSpanContextValid, trace } from "@opentelemetry/api";
import { type DestinationStream, type Logger, type LoggerOptions as PinoOptions, pino } from "pino";
import { currentLogContext } from "./log-context.js";

export type { Logger };

export interface LoggerOptions {
  /**
   * Production hides more: the development outbox's message text and SMS body
   * (they hold sign-in and password-reset links). Default: NODE_ENV is "production".
   */
  production?: boolean;
  /** Where the lines go; default stdout (tests pass a stream). */
  destination?: DestinationStream;
}

/** Fields whose value never reaches a log line, at any of the first three levels of a logged object. */
export const SECRET_FIELDS = [
  "password",
  "newPassword",
  "currentPassword",
  "token",
  "accessToken",
  "refreshToken",
  "resetToken",
  "idToken",
  "clientSecret",
  "client_secret",
  "secret",
  "apiKey",
  "authorization",
  "cookie",
  "set-cookie",
  "card",
  "cardNumber",
  "cvc",
  "cvv",
] as const;

/** Fields holding an email address or phone number: logged masked, "g***@example.com". */
export const CONTACT_FIELDS = ["email", "customerEmail", "recipient", "to", "from", "phone"] as const;

/** Only in production: what the development outbox logs as the message (links with tokens). */
const PRODUCTION_PATHS = ["outbox.text", "outbox.body", "*.outbox.text", "*.outbox.body"];

const contactFields = new Set<string>(CONTACT_FIELDS);

const keyPath = (prefix: string, key: string) =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? `${prefix}${prefix ? "." : ""}${key}` : `${prefix}["${key}"]`;

/** `key`, `*.key` and `*.*.key` for every field: what a log call names, one and two levels down (req.headers.x). */
export const REDACTED_PATHS = [...SECRET_FIELDS, ...CONTACT_FIELDS].flatMap((key) => {
  const paths = [keyPath("*", key), keyPath("*.*", key)];
  // pino cannot redact a top-level key written in brackets; such keys (set-cookie) are only ever nested.
  return /^[A-Za-z_$][\w$]*$/.test(key) ? [key, ...paths] : paths;
});

const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g;

/** Every email address in `text` masked: "grace@example.com" becomes "g***@example.com". */
export function maskEmails(text: string): string {
  return text.includes("@") ? text.replace(EMAIL, "$1***@$2") : text;
}

/** An email address or phone number masked; any other value as it is. */
export function maskContact(value: unknown): unknown {
  if (typeof value !== "string") return value;
  if (value.includes("@")) return maskEmails(value);
  // A phone number keeps its last two digits: "+33612345678" becomes "+***78".
  if (/^\+?[\d\s().-]{6,}$/.test(value))
    return `${value.startsWith("+") ? "+" : ""}***${value.replace(/\D/g, "").slice(-2)}`;
  return value;
}

/**
 * `fields` with every email address in a string value masked, down to two
 * levels (`lastError`, `reason`: provider messages quote addresses). Copies
 * what it changes: the caller's objects are never touched.
 */
function maskEmailsIn(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(fields)) {
    let masked = value;
    if (typeof value === "string") masked = maskEmails(value);
    else if (depth < 1 && isPlainObject(value)) masked = maskEmailsIn(value, depth + 1);
    if (masked !== value) {
      copy ??= { ...fields };
      copy[key] = masked;
    }
  }
  return copy ?? fields;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;

const censor = (value: unknown, path: string[]): unknown =>
  contactFields.has(path[path.length - 1] ?? "") ? maskContact(value) : "[redacted]";

/** pino's error serializer, with email addresses masked in the message and stack. */
function serializeError(error: Error): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  for (const key of ["message", "stack"]) {
    const text = serialized[key];
    if (typeof text === "string") serialized[key] = maskEmails(text);
  }
  return serialized;
}

/**
 * The fields of the request or event being handled: its request id, its trace
 * id (the active span's, else the caller's traceparent's), the span id and the
 * GraphQL operation name.
 */
function contextFields(): Record<string, string> {
  const fields: Record<string, string> = {};
  const context = currentLogContext();
  const span = trace.getActiveSpan()?.spanContext();
  const active = span !== undefined && isSpanContextValid(span);
  if (context?.requestId) fields.requestId = context.requestId;
  const traceId = active ? span.traceId : context?.traceId;
  if (traceId) fields.traceId = traceId;
  if (active) fields.spanId = span.spanId;
  if (context?.operationName) fields.operationName = context.operationName;
  return fields;
}

/**
 * JSON logs on stdout, one line per event: `service` on every line; the
 * request id, trace id and operation name on every line written while a
 * request or event is handled; passwords, tokens, secrets and card data
 * redacted, email addresses and phone numbers masked.
 */
export function createLogger(
  service: string,
  level = process.env.LOG_LEVEL ?? "info",
  options: LoggerOptions = {},
): Logger {
  const production = options.production ?? process.env.NODE_ENV === "production";
  const settings: PinoOptions = {
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: contextFields,
    formatters: { log: (fields) => maskEmailsIn(fields) },
    serializers: { err: serializeError },
    redact: {
      paths: production ? [...REDACTED_PATHS, ...PRODUCTION_PATHS] : REDACTED_PATHS,
      censor,
    },
    hooks: {
      // Messages are free text: an address written into one is masked too.
      logMethod(args, method) {
        for (let i = 0; i < args.length; i += 1) {
          const arg = args[i];
          if (typeof arg === "string") args[i] = maskEmails(arg);
        }
        return method.apply(this, args);
      },
    },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
