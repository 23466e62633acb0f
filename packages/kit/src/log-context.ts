import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What the log lines written while a request (or an event) is handled carry:
 * kit's server and event bus set it, the logger's mixin reads it, so every
 * line of a request has its request id, trace id and operation name, whichever
 * logger wrote it.
 */
export interface LogContext {
  requestId?: string;
  /** From the active span when tracing is on, else from the caller's W3C traceparent. */
  traceId?: string;
  operationName?: string;
  /** The caller's W3C trace context, passed on as is when tracing is off (events, subgraph calls). */
  traceparent?: string;
  tracestate?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `context` as the log context of everything it does, async work included. */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The log context of the request or event being handled, if any. */
export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}$/;

/** The trace id of a W3C `traceparent` header, when it is well formed and not all zeros. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const id = traceparent ? TRACEPARENT.exec(traceparent.trim())?.[1] : undefined;
  return id && !/^0+$/.test(id) ? id : undefined;
}
