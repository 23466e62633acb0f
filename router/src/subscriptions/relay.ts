import { unauthenticated } from "@retailer/kit";
import type { ExecutionResult } from "graphql";
import { type Caller, hasExpired } from "../auth.js";
import type { RouterContext } from "../gateway.js";
import type { RouterMetrics } from "../metrics.js";
import { internalError, revive, slowConsumer } from "./errors.js";
import { type EventExecutor, type EventRequest, requestKey } from "./event-executor.js";
import { EventStream } from "./event-stream.js";
import type { SubscriptionPlan } from "./planner.js";
import type { UpstreamConnections } from "./upstream.js";

/** Largest delay setTimeout accepts. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** One accepted subscription, as prepared by the client endpoint. */
export interface Subscription {
  plan: SubscriptionPlan;
  caller: Caller;
  request: EventRequest & { context: RouterContext };
  /** Called once when the subscription ends, whatever ends it. */
  onEnd: () => void;
}

/**
 * Runs accepted subscriptions: subscribes upstream to the subgraph owning the
 * root field with the subscriber's token, resolves each event through the
 * rest of the plan in order, and ends the subscription with UNAUTHENTICATED
 * when the subscriber's token expires (a timer, and a check per event).
 */
export class SubscriptionRelay {
  private readonly active = new Set<EventStream<ExecutionResult>>();

  constructor(
    private readonly upstream: UpstreamConnections,
    private readonly executor: EventExecutor,
    private readonly metrics: RouterMetrics,
  ) {}

  get size(): number {
    return this.active.size;
  }

  start({ plan, caller, request, onEnd }: Subscription): EventStream<ExecutionResult> {
    let unsubscribe: (() => void) | undefined;
    let expiry: NodeJS.Timeout | undefined;
    const stream: EventStream<ExecutionResult> = new EventStream(() => {
      clearTimeout(expiry);
      unsubscribe?.();
      this.active.delete(stream);
      this.metrics.subscriptionsActive.dec();
      onEnd();
    });
    this.active.add(stream);
    this.metrics.subscriptionsActive.inc();
    const expired = (): ExecutionResult => ({ errors: [unauthenticated("The access token has expired.")] });
    if (caller.expiresAt !== null) {
      const deadline = caller.expiresAt * 1000;
      const arm = (): void => {
        expiry = setTimeout(
          () => (Date.now() >= deadline ? stream.end(expired()) : arm()),
          Math.min(Math.max(deadline - Date.now(), 0), MAX_TIMEOUT_MS),
        );
      };
      arm();
    }

    const { primary } = plan;
    const variables = Object.fromEntries(
      (primary.variableUsages ?? [])
        .filter((name) => request.variables[name] !== undefined)
        .map((name) => [name, request.variables[name]]),
    );
    // Events resolve one after another, so the subscriber sees them in the order the subgraph sent them.
    let queue = Promise.resolve();
    const enqueue = (work: () => Promise<void> | void) => {
      queue = queue.then(work).catch((error: unknown) => {
        request.log.error({ err: error }, "subscription event failed");
        stream.end({ errors: [internalError()] });
      });
    };
    try {
      unsubscribe = this.subscribeUpstream(plan, caller, request, stream, enqueue, variables, expired);
    } catch (error) {
      request.log.error({ err: error }, "upstream subscription failed");
      stream.end({ errors: [internalError()] });
    }
    return stream;
  }

  private subscribeUpstream(
    plan: SubscriptionPlan,
    caller: Caller,
    request: Subscription["request"],
    stream: EventStream<ExecutionResult>,
    enqueue: (work: () => Promise<void> | void) => void,
    variables: Record<string, unknown>,
    expired: () => ExecutionResult,
  ): () => void {
    const { primary } = plan;
    const key = requestKey(request);
    return this.upstream.subscribe(
      primary.serviceName,
      {
        query: primary.operation,
        variables,
        ...(primary.operationName ? { operationName: primary.operationName } : {}),
        extensions: {
          ...(request.context.authorization ? { authorization: request.context.authorization } : {}),
          requestId: request.context.requestId,
          clientIp: request.context.clientIp,
        },
      },
      {
        next: (event) =>
          enqueue(async () => {
            if (!stream.open) return;
            if (hasExpired(caller)) return stream.end(expired());
            const upstreamErrors = (event.errors ?? []).map((e) => revive(e, { serviceName: primary.serviceName }));
            const result =
              event.data === null || event.data === undefined
                ? { errors: upstreamErrors }
                : await this.executor.resolve(plan, { data: event.data }, request, key);
            if (upstreamErrors.length > 0 && event.data) {
              result.errors = [...upstreamErrors, ...(result.errors ?? [])];
            }
            if (stream.open && !stream.push(result)) stream.end({ errors: [slowConsumer()] });
          }),
        error: (errors) => enqueue(() => stream.end({ errors })),
        complete: () => enqueue(() => stream.end()),
      },
    );
  }

  /** Completes every subscription (graceful shutdown) and waits, at most `timeoutMs`, for clients to be told. */
  async drain(timeoutMs: number): Promise<void> {
    const streams = [...this.active];
    for (const stream of streams) stream.end();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(streams.map((stream) => stream.finished)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    // graphql-ws sends each `complete` right after the stream's end: let it, before the sockets close.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
