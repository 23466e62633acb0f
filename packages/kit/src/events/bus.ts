import { randomUUID } from "node:crypto";
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from "@opentelemetry/api";
import type { Kysely } from "kysely";
import { fromKysely, PgBoss } from "pg-boss";
import { Gauge } from "prom-client";
import { currentLogContext, traceIdOf, withLogContext } from "../log-context.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { kitTracer, spanFailed, traceHeaders } from "../telemetry.js";
import { deadLetterQueue, EVENT_TOPOLOGY, type EventType, queueName } from "./topology.js";

/** What travels: an envelope with a unique id, so handlers can be idempotent. */
export interface DomainEvent<T = Record<string, unknown>> {
  id: string;
  type: EventType;
  source: string;
  occurredAt: string;
  /** The request that caused it: its handler's log lines carry it too. */
  requestId?: string;
  /** W3C trace context of the publish: the handler's span continues that trace. */
  traceparent?: string;
  tracestate?: string;
  data: T;
}

export type EventHandler<T = Record<string, unknown>> = (event: DomainEvent<T>) => Promise<void>;

export interface EventBusOptions {
  url: string;
  service: string;
  log: Logger;
  metrics?: Metrics;
  /** Attempts after the first before a job goes to the dead-letter queue. */
  retryLimit?: number;
  /** First retry delay in seconds; doubles with each retry. */
  retryDelay?: number;
  poolMax?: number;
}

/** Thrown by a handler for an event it can never handle (malformed data): dead-lettered, not retried. */
export class PermanentEventError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PermanentEventError";
  }
}

/** The schema pg-boss keeps its tables in. */
export const BUS_SCHEMA = "bus";

/**
 * Durable domain events on pg-boss in schema `bus`. `publish` enqueues inside
 * the caller's transaction, so an event exists if and only if its cause
 * committed; consumers retry with exponential backoff and end in a dead-letter
 * queue. LISTEN/NOTIFY wakes workers within milliseconds.
 */
export class EventBus {
  readonly #boss: PgBoss;
  readonly #options: EventBusOptions;
  #started = false;

  constructor(options: EventBusOptions) {
    this.#options = options;
    this.#boss = new PgBoss({
      connectionString: options.url,
      schema: BUS_SCHEMA,
      max: options.poolMax ?? 4,
      application_name: `retailer-${options.service}-bus`,
      useListenNotify: true,
      // Events are traced here, one span per event continuing its request's trace (see #handle);
      // pg-boss's own spans would add a new trace per fetched batch that continues nothing.
      openTelemetry: { enabled: false },
    });
    this.#boss.on("error", (error) => options.log.error({ err: error }, "event bus error"));
    if (options.metrics) this.#registerMetrics(options.metrics);
  }

  /** Installs or migrates the bus schema and declares every queue and subscription of the topology. */
  async start(): Promise<void> {
    if (this.#started) return;
    await this.#boss.start();
    for (const [type, consumers] of Object.entries(EVENT_TOPOLOGY)) {
      for (const consumer of consumers) {
        const queue = queueName(consumer, type);
        await this.#ensureQueue(deadLetterQueue(queue), {});
        await this.#ensureQueue(queue, {
          retryLimit: this.#options.retryLimit ?? 8,
          retryDelay: this.#options.retryDelay ?? 1,
          retryBackoff: true,
          retryDelayMax: 300,
          deadLetter: deadLetterQueue(queue),
        });
        await this.#boss.subscribe(type, queue);
      }
    }
    this.#started = true;
  }

  /**
   * Enqueues an event for every subscribed queue, inside `trx`: it commits or
   * rolls back with it. The envelope carries the request id (`meta`'s, else the
   * request being handled) and the trace context of a producer span.
   */
  async publish<T extends Record<string, unknown>>(
    // biome-ignore lint/suspicious/noExplicitAny: any service's transaction
    trx: Kysely<any>,
    type: EventType,
    data: T,
    meta: { requestId?: string } = {},
  ): Promise<DomainEvent<T>> {
    const id = randomUUID();
    const requestId = meta.requestId ?? currentLogContext()?.requestId;
    // "create": the message (with its trace context) is made here and sent by pg-boss.
    const span = kitTracer.startSpan(`create ${type}`, {
      kind: SpanKind.PRODUCER,
      attributes: {
        "messaging.system": "pg-boss",
        "messaging.operation.type": "create",
        "messaging.destination.name": type,
        "messaging.message.id": id,
      },
    });
    try {
      const spanContext = trace.setSpan(context.active(), span);
      const { traceparent, tracestate } = traceHeaders(spanContext);
      const event: DomainEvent<T> = {
        id,
        type,
        source: this.#options.service,
        occurredAt: new Date().toISOString(),
        ...(requestId ? { requestId } : {}),
        ...(traceparent ? { traceparent } : {}),
        ...(traceparent && tracestate ? { tracestate } : {}),
        data,
      };
      await context.with(spanContext, () => this.#boss.publish(type, event, { db: fromKysely(trx) }));
      return event;
    } catch (error) {
      spanFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  /** Runs `handler` for each event of `type` delivered to this service's queue. A throw retries it. */
  async subscribe<T = Record<string, unknown>>(type: EventType, handler: EventHandler<T>): Promise<void> {
    const consumers = EVENT_TOPOLOGY[type] as readonly string[];
    if (!consumers.includes(this.#options.service)) {
      throw new Error(`${this.#options.service} is not a consumer of ${type}: add it to EVENT_TOPOLOGY`);
    }
    const queue = queueName(this.#options.service, type);
    const log = this.#options.log.child({ queue });
    // Up to 10 jobs a fetch (pg-boss fetches again at once while batches come full), each settled on its
    // own: a throw retries that event with backoff, a PermanentEventError dead-letters it at once.
    // NOTIFY wakes the worker; the poll is only a backstop (retries are not announced by NOTIFY).
    await this.#boss.work<DomainEvent<T>>(
      queue,
      { batchSize: 10, perJobResults: true, notifyPollingIntervalSeconds: 2, pollingIntervalSeconds: 2 },
      async (jobs) => {
        const results: { id: string; status: "completed" | "failed" | "deadletter"; output?: object }[] = [];
        for (const job of jobs) {
          results.push(await this.#handle(type, queue, job, handler, log));
        }
        return results;
      },
    );
  }

  /**
   * One delivery of one event: in a consumer span, child of the publisher's
   * (the envelope's traceparent), and in the log context of the request that
   * published it, so its lines carry that request id and trace id.
   */
  async #handle<T>(
    type: EventType,
    queue: string,
    job: { id: string; data: DomainEvent<T>; retryCount: number },
    handler: EventHandler<T>,
    log: Logger,
  ): Promise<{ id: string; status: "completed" | "failed" | "deadletter"; output?: object }> {
    const event = job.data;
    const attempt = job.retryCount + 1;
    const carrier = { traceparent: event.traceparent ?? "", tracestate: event.tracestate ?? "" };
    const parent = event.traceparent ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
    const span = kitTracer.startSpan(
      `process ${type}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          "messaging.system": "pg-boss",
          "messaging.operation.type": "process",
          "messaging.destination.name": type,
          "messaging.consumer.group.name": queue,
          "messaging.message.id": event.id,
          "retailer.event.attempt": attempt,
        },
      },
      parent,
    );
    const logContext = {
      ...(event.requestId ? { requestId: event.requestId } : {}),
      ...(traceIdOf(event.traceparent) ? { traceId: traceIdOf(event.traceparent) } : {}),
      ...(event.traceparent ? { traceparent: event.traceparent } : {}),
      ...(event.tracestate ? { tracestate: event.tracestate } : {}),
    };
    const started = Date.now();
    return context.with(trace.setSpan(parent, span), () =>
      withLogContext(logContext, async () => {
        try {
          await handler(event);
          log.debug({ eventId: event.id, ms: Date.now() - started }, "event handled");
          return { id: job.id, status: "completed" as const };
        } catch (error) {
          const permanent = error instanceof PermanentEventError;
          spanFailed(span, error);
          log.warn({ err: error, eventId: event.id, attempt, permanent }, "event handler failed");
          return {
            id: job.id,
            status: permanent ? ("deadletter" as const) : ("failed" as const),
            output: { message: (error as Error).message },
          };
        } finally {
          span.end();
        }
      }),
    );
  }

  async stop(): Promise<void> {
    await this.#boss.stop({ graceful: true, timeout: 5_000 });
  }

  async #ensureQueue(name: string, options: Parameters<PgBoss["createQueue"]>[1]): Promise<void> {
    const existing = await this.#boss.getQueue(name);
    if (!existing) await this.#boss.createQueue(name, { ...options, notify: true } as typeof options);
  }

  #registerMetrics(metrics: Metrics): void {
    const boss = this.#boss;
    const service = this.#options.service;
    const own = Object.entries(EVENT_TOPOLOGY)
      .filter(([, consumers]) => (consumers as readonly string[]).includes(service))
      .map(([type]) => queueName(service, type));
    const sizes = async (names: string[]) =>
      Promise.all(
        names.map(async (name) => [name, (await boss.getQueue(name).catch(() => null))?.queuedCount ?? 0] as const),
      );
    new Gauge({
      name: "retailer_events_queue_depth",
      help: "Events waiting in this service's queues.",
      labelNames: ["queue"] as const,
      registers: [metrics.registry],
      async collect() {
        for (const [queue, size] of await sizes(own)) this.set({ queue }, size);
      },
    });
    new Gauge({
      name: "retailer_events_dead_letters",
      help: "Events that exhausted their retries, per dead-letter queue.",
      labelNames: ["queue"] as const,
      registers: [metrics.registry],
      async collect() {
        for (const [queue, size] of await sizes(own.map(deadLetterQueue))) this.set({ queue }, size);
      },
    });
  }
}
