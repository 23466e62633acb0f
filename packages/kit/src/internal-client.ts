import { setTimeout as sleep } from "node:timers/promises";
import { SIGNATURE_HEADER, signRequest } from "./auth/signature.js";
import { mintServiceToken } from "./auth/tokens.js";
import { currentLogContext } from "./log-context.js";
import type { Logger } from "./logger.js";
import { REQUEST_ID_HEADER } from "./request-id.js";
import { tracedCall } from "./telemetry.js";

const DEFAULT_PORTS: Record<string, number> = {
  users: 8081,
  catalog: 8082,
  cart: 8083,
  orders: 8084,
  payments: 8085,
  notifications: 8086,
};

/** A failed call to another service; `retryable` when trying again may help. */
export class InternalCallError extends Error {
  constructor(
    message: string,
    readonly target: string,
    readonly retryable: boolean,
    readonly code?: string,
  ) {
    super(message);
    this.name = "InternalCallError";
  }
}

export interface CallOptions {
  /** Only for idempotent operations: how many more attempts after a retryable failure. */
  retries?: number;
  timeoutMs?: number;
  /** Default: the request (or event) being handled. */
  requestId?: string;
}

/**
 * Calls another subgraph's internal (`@inaccessible`) operations directly,
 * as a service: a service token plus the request signature subgraphs demand.
 * The target's URL is `<NAME>_URL` (read at call time) or its default port.
 */
export class InternalClient {
  #token: { value: string; renewAt: number } | undefined;

  constructor(
    private readonly options: {
      service: string;
      secret: string;
      log: Logger;
      env?: Record<string, string | undefined>;
    },
  ) {}

  url(target: string): string {
    const env = this.options.env ?? process.env;
    return env[`${target.toUpperCase()}_URL`] || `http://localhost:${DEFAULT_PORTS[target] ?? 80}/graphql`;
  }

  async call<T>(
    target: string,
    query: string,
    variables: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<T> {
    const attempts = 1 + (options.retries ?? 0);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#once<T>(target, query, variables, options);
      } catch (error) {
        const retryable = error instanceof InternalCallError && error.retryable;
        if (!retryable || attempt >= attempts) throw error;
        this.options.log.warn({ err: error, target, attempt }, "internal call failed, retrying");
        await sleep(100 * 2 ** (attempt - 1));
      }
    }
  }

  async #serviceToken(): Promise<string> {
    const now = Date.now();
    if (!this.#token || this.#token.renewAt < now) {
      this.#token = {
        value: await mintServiceToken(this.options.secret, this.options.service, 300),
        renewAt: now + 240_000,
      };
    }
    return this.#token.value;
  }

  /** One attempt, in a client span that the called service's spans continue. */
  #once<T>(target: string, query: string, variables: Record<string, unknown>, options: CallOptions): Promise<T> {
    const url = new URL(this.url(target));
    const operation = /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1];
    return tracedCall(
      `internal ${target}${operation ? ` ${operation}` : ""}`,
      {
        "retailer.target": target,
        "server.address": url.hostname,
        ...(operation ? { "graphql.operation.name": operation } : {}),
      },
      (traceHeaders) => this.#post<T>(target, url, query, variables, options, traceHeaders),
    );
  }

  async #post<T>(
    target: string,
    url: URL,
    query: string,
    variables: Record<string, unknown>,
    options: CallOptions,
    traceHeaders: Record<string, string>,
  ): Promise<T> {
    const body = JSON.stringify({ query, variables });
    const requestId = options.requestId ?? currentLogContext()?.requestId;
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${await this.#serviceToken()}`,
          [SIGNATURE_HEADER]: signRequest(this.options.secret, {
            method: "POST",
            path: url.pathname + url.search,
            body,
          }),
          ...(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}),
          ...traceHeaders,
        },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      });
    } catch (error) {
      throw new InternalCallError(`${target} unreachable: ${(error as Error).message}`, target, true);
    }
    if (response.status >= 500) throw new InternalCallError(`${target} answered ${response.status}`, target, true);
    const result = (await response.json().catch(() => null)) as {
      data?: T;
      errors?: { message: string; extensions?: { code?: string; retryable?: boolean } }[];
    } | null;
    if (!result) throw new InternalCallError(`${target} answered ${response.status} without JSON`, target, true);
    const first = result.errors?.[0];
    if (first) {
      const code = first.extensions?.code;
      // A service marks failures worth retrying (a provider that did not answer) with extensions.retryable.
      const retryable = code === "INTERNAL_SERVER_ERROR" || first.extensions?.retryable === true;
      throw new InternalCallError(`${target}: ${first.message}`, target, retryable, code);
    }
    if (!result.data) throw new InternalCallError(`${target} answered no data`, target, false);
    return result.data;
  }
}
