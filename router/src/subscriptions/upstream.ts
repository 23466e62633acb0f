import type { Logger } from "@retailer/kit";
import type { GraphQLError } from "graphql";
import { type Client, createClient, type FormattedExecutionResult, type SubscribePayload } from "graphql-ws";
import WebSocket from "ws";
import { connectionLost, isFormattedErrors, revive } from "./errors.js";

export interface UpstreamSink {
  next(result: FormattedExecutionResult): void;
  /** The subscription failed: the subgraph refused it, or the connection to it was lost. */
  error(errors: GraphQLError[]): void;
  complete(): void;
}

export interface UpstreamOptions {
  /** A subgraph's routing URL (http:...); its graphql-ws endpoint is the same URL with ws:. */
  urlOf: (service: string) => string;
  /** "Bearer <service token>" for `connection_init`: subgraphs accept only the router and services. */
  authorization: () => Promise<string>;
  log: Logger;
  /** How often the router pings each subgraph connection; a missing pong closes it. */
  keepAliveMs?: number;
}

interface Upstream {
  client: Client;
  /** Whether a connection was acknowledged since the client was made. */
  connected: boolean;
}

/** One subgraph subscription and the subscribers it serves. */
interface Shared {
  sinks: Set<UpstreamSink>;
  unsubscribe: () => void;
}

/**
 * One graphql-ws connection per subgraph, shared by every subscriber: the
 * connection is authenticated with a service token, each subscription carries
 * its subscriber's token in its `extensions`. A connection opens on the first
 * subscription and closes a moment after the last. When it is lost (subgraph
 * restarted or gone), each of its subscriptions fails with
 * SUBGRAPH_CONNECTION_LOST and the next subscription opens a new connection:
 * no silent reconnect that would drop the events published in the gap.
 *
 * Subscribers asking the subgraph the same thing share one subgraph
 * subscription: same service, document, operation name, variables and
 * Authorization (so the same viewer and token expiry). The subgraph then
 * resolves and sends each event once for all of them, not once per
 * subscriber (one order watched from 1,000 tabs: one subscription). The
 * request id and client address a subscription carries are those of the
 * subscriber that opened it; they change no answer. A subscriber joining
 * later gets the events from then on, as a subscription of its own would.
 */
export class UpstreamConnections {
  private readonly upstreams = new Map<string, Upstream>();
  private readonly shared = new Map<string, Shared>();
  private closing = false;

  constructor(private readonly options: UpstreamOptions) {}

  /** How many subgraph subscriptions are open (shared ones once). */
  get subscriptions(): number {
    return this.shared.size;
  }

  /**
   * Subscribes upstream, or joins the identical subscription already open;
   * the returned function leaves it, and the last subscriber to leave
   * unsubscribes (sends `complete` to the subgraph) at once.
   */
  subscribe(service: string, payload: SubscribePayload, sink: UpstreamSink): () => void {
    if (this.closing) {
      sink.error([connectionLost(service, false)]);
      return () => {};
    }
    const key = sharingKey(service, payload);
    let shared = this.shared.get(key);
    if (!shared) {
      const sinks = new Set<UpstreamSink>();
      const entry: Shared = { sinks, unsubscribe: () => {} };
      const done = () => {
        if (this.shared.get(key) === entry) this.shared.delete(key);
      };
      this.shared.set(key, entry);
      entry.unsubscribe = this.open(service, payload, {
        next: (result) => {
          for (const each of [...sinks]) each.next(result);
        },
        error: (errors) => {
          done();
          for (const each of [...sinks]) each.error(errors);
        },
        complete: () => {
          done();
          for (const each of [...sinks]) each.complete();
        },
      });
      shared = entry;
    }
    const joined = shared;
    joined.sinks.add(sink);
    return () => {
      if (!joined.sinks.delete(sink) || joined.sinks.size > 0) return;
      if (this.shared.get(key) === joined) this.shared.delete(key);
      joined.unsubscribe();
    };
  }

  /** One subgraph subscription on the service's connection. */
  private open(service: string, payload: SubscribePayload, sink: UpstreamSink): () => void {
    const upstream = this.upstream(service);
    let settled = false;
    const unsubscribe = upstream.client.subscribe<Record<string, unknown>, Record<string, unknown>>(payload, {
      next: (result) => {
        if (!settled) sink.next(result);
      },
      error: (error: unknown) => {
        if (settled) return;
        settled = true;
        // An `error` message from the subgraph is a list of GraphQL errors; anything else is the socket.
        if (isFormattedErrors(error)) sink.error(error.map((e) => revive(e, { serviceName: service })));
        else {
          this.options.log.warn({ service, err: describe(error) }, "subgraph subscription connection lost");
          sink.error([connectionLost(service, upstream.connected)]);
        }
      },
      complete: () => {
        if (settled) return;
        settled = true;
        sink.complete();
      },
    });
    return () => {
      if (settled) return;
      settled = true;
      unsubscribe();
    };
  }

  /** Closes every upstream connection (their subscriptions fail with SUBGRAPH_CONNECTION_LOST). */
  async close(): Promise<void> {
    this.closing = true;
    const upstreams = [...this.upstreams.values()];
    this.upstreams.clear();
    await Promise.all(upstreams.map(({ client }) => client.dispose()));
  }

  private upstream(service: string): Upstream {
    const existing = this.upstreams.get(service);
    if (existing) return existing;
    const keepAlive = this.options.keepAliveMs ?? 10_000;
    let socket: WebSocket | undefined;
    let pongTimer: NodeJS.Timeout | undefined;
    const upstream: Upstream = {
      connected: false,
      client: createClient({
        url: this.options.urlOf(service).replace(/^http/, "ws"),
        webSocketImpl: WebSocket,
        lazy: true,
        // Keep the socket a moment after the last subscription: a client resubscribing reuses it.
        lazyCloseTimeout: 2_000,
        retryAttempts: 0,
        keepAlive,
        connectionAckWaitTimeout: 5_000,
        connectionParams: async () => ({ authorization: await this.options.authorization() }),
        on: {
          connected: (connectedSocket) => {
            socket = connectedSocket as WebSocket;
            upstream.connected = true;
          },
          ping: (received) => {
            // Our ping is unanswered for as long again: the subgraph is gone without closing.
            if (!received) {
              pongTimer = setTimeout(() => socket?.close(4408, "Pong timeout"), keepAlive);
            }
          },
          pong: (received) => {
            if (received) clearTimeout(pongTimer);
          },
          closed: () => {
            clearTimeout(pongTimer);
            socket = undefined;
            // The next subscription gets a fresh client and connection.
            if (this.upstreams.get(service) === upstream) this.upstreams.delete(service);
          },
        },
      }),
    };
    this.upstreams.set(service, upstream);
    return upstream;
  }
}

/** What a subgraph subscription's events depend on; `requestId` and `clientIp` do not change them. */
function sharingKey(service: string, payload: SubscribePayload): string {
  const authorization = (payload.extensions as { authorization?: unknown } | undefined)?.authorization ?? null;
  return JSON.stringify([
    service,
    payload.query,
    payload.operationName ?? null,
    payload.variables ?? null,
    authorization,
  ]);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  const event = error as { code?: number; reason?: string; type?: string };
  return event.code !== undefined ? `closed ${event.code} ${event.reason ?? ""}`.trim() : String(event.type ?? error);
}
