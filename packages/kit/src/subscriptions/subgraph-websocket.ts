import {
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  subscribe,
} from "graphql";
import type { Context as WsContext } from "graphql-ws";
import { type TokenVerifier, type VerifiedToken, viewerFromHeader } from "../auth/tokens.js";
import { unauthenticated } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { REQUEST_ID_HEADER, requestIdFrom } from "../request-id.js";
import { maskUnexpected, type WebSocketEndpoint } from "../server.js";
import { guardedIterator } from "./guarded-iterator.js";

/** What a subgraph knows of one subscription when it builds its context. */
export interface SubscriptionRequest {
  requestId: string;
  clientIp: string;
  log: Logger;
  /** The subscriber's verified token; null when anonymous or when it failed verification. */
  token: VerifiedToken | null;
}

export interface SubgraphWebSocketOptions<Ctx extends object> {
  schema: GraphQLSchema;
  verify: TokenVerifier;
  log: Logger;
  metrics: Metrics;
  production: boolean;
  /** The per-subscription context, built as for an HTTP request. */
  context: (request: SubscriptionRequest) => Ctx;
  /** Runs before each event is resolved, e.g. to give the context fresh DataLoaders. */
  beforeEachEvent?: (context: Ctx) => void;
}

/** The subscribe message's `extensions` the router sends along with each subscription. */
interface RouterExtensions {
  /** "Bearer <JWT>" of the subscriber, absent when anonymous. */
  authorization?: unknown;
  requestId?: unknown;
  clientIp?: unknown;
}

const authErrors = new WeakMap<object, GraphQLError>();

/**
 * graphql-ws for a subgraph's Subscription type, spoken with the router:
 * - `connection_init` must carry `{ authorization: "Bearer <service token>" }`,
 *   a SERVICE token minted with INTERNAL_SECRET (the socket's equivalent of the
 *   HTTP request signature); anything else is closed with 4403 Forbidden;
 * - each subscribe message carries its subscriber's token in
 *   `payload.extensions.authorization`, verified as an HTTP request's would be.
 *   A bad token never throws in `context` (which would close the socket and
 *   every subscription the router multiplexes on it): it fails that one
 *   subscription with UNAUTHENTICATED;
 * - a subscription ends with UNAUTHENTICATED when its subscriber's token expires.
 */
export function subgraphWebSocket<Ctx extends object>(options: SubgraphWebSocketOptions<Ctx>): WebSocketEndpoint {
  const { log, metrics, verify } = options;
  const format = (error: GraphQLError): GraphQLFormattedError =>
    maskUnexpected(error.toJSON(), error, log, options.production);
  return {
    options: {
      schema: options.schema,
      onConnect: async (ctx: WsContext) => {
        const header = ctx.connectionParams?.authorization;
        try {
          const token = await viewerFromHeader(typeof header === "string" ? header : "", verify);
          if (token?.viewer.role === "SERVICE") return true;
        } catch {
          // Refused below.
        }
        log.warn("graphql-ws connection refused: no valid service token");
        metrics.errors.inc({ code: "FORBIDDEN" });
        return false;
      },
      context: async (_ctx: WsContext, _id: string, payload: { extensions?: Record<string, unknown> | null }) => {
        const extensions = (payload.extensions ?? {}) as RouterExtensions;
        const requestId = requestIdFrom({ [REQUEST_ID_HEADER]: stringOrUndefined(extensions.requestId) });
        let token: VerifiedToken | null = null;
        let authError: GraphQLError | undefined;
        try {
          token = await viewerFromHeader(stringOrUndefined(extensions.authorization), verify);
        } catch (error) {
          authError = (error as GraphQLError).extensions ? (error as GraphQLError) : unauthenticated();
        }
        const context = options.context({
          requestId,
          clientIp: stringOrUndefined(extensions.clientIp) ?? "unknown",
          log: log.child({ requestId }),
          token,
        });
        if (authError) authErrors.set(context, authError);
        return context;
      },
      subscribe: async (args: ExecutionArgs) => {
        const context = args.contextValue as Ctx;
        const authError = authErrors.get(context);
        if (authError) return { errors: [authError] } satisfies ExecutionResult;
        const result = await subscribe(args);
        if (!(Symbol.asyncIterator in result)) return result;
        metrics.subscriptionsActive.inc();
        const expiresAt = (context as { tokenExpiresAt?: number | null }).tokenExpiresAt;
        let ended = false;
        const stream = guardedIterator<ExecutionResult>(result, {
          ...(options.beforeEachEvent ? { beforeEach: () => options.beforeEachEvent?.(context) } : {}),
          ...(expiresAt
            ? {
                deadline: expiresAt * 1000,
                atDeadline: () => ({ errors: [unauthenticated("The access token has expired.")] }),
              }
            : {}),
        });
        const end = () => {
          if (ended) return;
          ended = true;
          metrics.subscriptionsActive.dec();
        };
        const originalReturn = stream.return.bind(stream);
        const originalNext = stream.next.bind(stream);
        stream.return = (value?: unknown) => {
          end();
          return originalReturn(value);
        };
        stream.next = async () => {
          const next = await originalNext();
          if (next.done) end();
          return next;
        };
        return stream;
      },
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map(format) } : undefined,
      // Parse and validation errors of the subscribe message itself.
      onError: (_ctx, _id, _payload, errors) =>
        errors.map((error) => ({
          ...error.toJSON(),
          extensions: { ...error.extensions, code: error.extensions.code ?? "GRAPHQL_VALIDATION_FAILED" },
        })),
    },
  };
}

const stringOrUndefined = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
