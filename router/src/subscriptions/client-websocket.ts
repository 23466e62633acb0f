import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import {
  type Logger,
  maskUnexpected,
  requestIdFrom,
  unauthenticated,
  type WebSocketEndpoint,
  websocketClientIp,
} from "@retailer/kit";
import {
  type DocumentNode,
  type ExecutionArgs,
  type FormattedExecutionResult,
  GraphQLError,
  type GraphQLFormattedError,
  getOperationAST,
  getVariableValues,
  parse,
  specifiedRules,
  type ValidationRule,
  validate,
} from "graphql";
import type { SubscribePayload, Context as WsContext } from "graphql-ws";
import { type Authenticator, type Caller, hasExpired } from "../auth.js";
import type { RouterContext } from "../gateway.js";
import { checkCost, type OperationLimits, parseOptions, withoutSuggestions } from "../limits.js";
import type { RouterMetrics } from "../metrics.js";
import type { TrustedDocuments } from "../trusted-documents.js";
import { badRequest, forClient, internalError, tooManySubscriptions } from "./errors.js";
import type { SubscriptionPlanner } from "./planner.js";
import type { Subscription, SubscriptionRelay } from "./relay.js";

export interface ClientWebSocketOptions {
  planner: SubscriptionPlanner;
  relay: SubscriptionRelay;
  auth: Authenticator;
  limits: OperationLimits;
  /** The limit rules of HTTP (depth, aliases, directives, root fields), run with graphql's own. */
  validationRules: ValidationRule[];
  trustedDocuments?: TrustedDocuments;
  production: boolean;
  log: Logger;
  metrics: RouterMetrics;
  maxSubscriptionsPerConnection: number;
  maxConnectionsPerClient: number;
  maxMessageBytes: number;
  connectionInitTimeoutMs: number;
}

/** What the router keeps of one client connection. */
interface Connection {
  caller: Caller;
  clientIp: string;
  traceparent?: string;
  tracestate?: string;
  /** Subscription ids accepted (or being prepared) on this connection. */
  reserved: Set<string>;
}

interface Extra {
  request: IncomingMessage;
  connection?: Connection;
}

/**
 * The router's graphql-ws endpoint for clients, on /graphql next to HTTP:
 * - `connection_init` payload `{ authorization: "Bearer <JWT>" }` (or none:
 *   anonymous); a bad token closes the socket with 4403 Forbidden;
 * - each subscribe message is checked as an HTTP request is (trusted
 *   documents, token limit, validation with the operation limits, variables,
 *   cost) and refused alone with an `error` message when it fails; only
 *   subscriptions are served here;
 * - at most `maxSubscriptionsPerConnection` at once per connection
 *   (TOO_MANY_SUBSCRIPTIONS), at most `maxConnectionsPerClient` sockets per
 *   client address (HTTP 429 at the upgrade);
 * - on shutdown every subscription is completed before the sockets close.
 */
export function clientWebSocket(options: ClientWebSocketOptions): WebSocketEndpoint {
  const { auth, log, metrics, planner, production } = options;
  const rules = [...specifiedRules, ...options.validationRules];
  const count = (errors: readonly { extensions?: Record<string, unknown> }[]) => {
    for (const error of errors) metrics.errors.inc({ code: String(error.extensions?.code ?? "INTERNAL_SERVER_ERROR") });
  };
  const format = (error: GraphQLError): GraphQLFormattedError => {
    const formatted = maskUnexpected(forClient(error).toJSON(), error, log, production);
    return production ? { ...formatted, message: withoutSuggestions(formatted.message) } : formatted;
  };

  function prepare(connection: Connection, id: string, payload: SubscribePayload): ExecutionArgs | GraphQLError[] {
    if (hasExpired(connection.caller)) return [unauthenticated("The access token has expired.")];
    let source: string;
    if (options.trustedDocuments) {
      const resolution = options.trustedDocuments.resolve(payload);
      if ("error" in resolution) return [resolution.error];
      source = resolution.query;
    } else if (typeof payload.query === "string" && payload.query !== "") source = payload.query;
    else return [badRequest("A subscribe message needs a `query`.")];

    let document: DocumentNode;
    try {
      document = parse(source, parseOptions(options.limits));
    } catch (error) {
      return [new GraphQLError((error as Error).message, { extensions: { code: "GRAPHQL_PARSE_FAILED" } })];
    }
    const invalid = validate(planner.apiSchema, document, rules);
    if (invalid.length > 0) {
      return invalid.map((error) =>
        forClient(
          new GraphQLError(error.message, {
            ...(error.nodes ? { nodes: error.nodes } : {}),
            extensions: { ...error.extensions, code: "GRAPHQL_VALIDATION_FAILED" },
          }),
        ),
      );
    }
    const operationName = payload.operationName ?? undefined;
    const operation = getOperationAST(document, operationName);
    if (!operation) return [badRequest("Name the operation to run with `operationName`.")];
    if (operation.operation !== "subscription") {
      return [badRequest("graphql-ws carries subscriptions only: send queries and mutations over HTTP.")];
    }
    const variables = payload.variables ?? {};
    const coerced = getVariableValues(planner.apiSchema, operation.variableDefinitions ?? [], variables);
    if (coerced.errors) {
      return coerced.errors.map((e) => new GraphQLError(e.message, { extensions: { code: "BAD_USER_INPUT" } }));
    }
    const tooCostly = checkCost(options.limits, planner.apiSchema, document, operationName, variables);
    if (tooCostly) return [forClient(tooCostly)];

    const plan = planner.plan(document, source, operationName);
    const { caller } = connection;
    const requestId = randomUUID();
    const context: RouterContext = {
      requestId,
      clientIp: connection.clientIp,
      viewer: caller.viewer,
      ...(caller.authorization ? { authorization: caller.authorization } : {}),
      ...(connection.traceparent ? { traceparent: connection.traceparent } : {}),
      ...(connection.tracestate ? { tracestate: connection.tracestate } : {}),
    };
    const subscription: Subscription = {
      plan,
      caller,
      request: { source, operationName, variables, context, log: log.child({ requestId, subscription: id }) },
      onEnd: () => connection.reserved.delete(id),
    };
    return {
      schema: planner.apiSchema,
      document,
      operationName,
      variableValues: coerced.coerced,
      contextValue: subscription,
    };
  }

  return {
    maxPayload: options.maxMessageBytes,
    maxConnectionsPerClient: options.maxConnectionsPerClient,
    drain: () => options.relay.drain(1_000),
    options: {
      connectionInitWaitTimeout: options.connectionInitTimeoutMs,
      onConnect: async (ctx: WsContext<Record<string, unknown>, Extra>) => {
        const params = ctx.connectionParams ?? {};
        let caller: Caller;
        try {
          caller = await auth.authenticate(params.authorization ?? params.Authorization);
        } catch (error) {
          count([{ extensions: { code: "UNAUTHENTICATED" } }]);
          log.info({ reason: (error as Error).message }, "graphql-ws connection refused");
          return false;
        }
        const { request } = ctx.extra;
        const header = (name: string) => {
          const value = request.headers[name];
          return typeof value === "string" ? value : undefined;
        };
        const traceparent = header("traceparent");
        const tracestate = header("tracestate");
        ctx.extra.connection = {
          caller,
          clientIp: websocketClientIp(request),
          ...(traceparent ? { traceparent } : {}),
          ...(tracestate ? { tracestate } : {}),
          reserved: new Set(),
        };
        log.debug({ requestId: requestIdFrom(request.headers), viewer: caller.viewer?.id }, "graphql-ws connected");
        return true;
      },
      onSubscribe: (ctx: WsContext<Record<string, unknown>, Extra>, id: string, payload: SubscribePayload) => {
        const connection = ctx.extra.connection;
        if (!connection) return [internalError()];
        // Checked before anything awaits: a burst of subscribe messages cannot slip past the cap.
        if (connection.reserved.size >= options.maxSubscriptionsPerConnection) {
          metrics.operations.inc({
            operation: payload.operationName ?? "anonymous",
            type: "subscription",
            outcome: "error",
          });
          return [tooManySubscriptions(options.maxSubscriptionsPerConnection)];
        }
        connection.reserved.add(id);
        try {
          const prepared = prepare(connection, id, payload);
          const refused = Array.isArray(prepared);
          if (refused) connection.reserved.delete(id);
          metrics.operations.inc({
            operation: payload.operationName ?? "anonymous",
            type: "subscription",
            outcome: refused ? "error" : "success",
          });
          return prepared;
        } catch (error) {
          connection.reserved.delete(id);
          log.error({ err: error }, "subscription could not be prepared");
          return [internalError()];
        }
      },
      subscribe: (args: ExecutionArgs) => {
        const subscription = args.contextValue as Subscription;
        try {
          return options.relay.start(subscription);
        } catch (error) {
          // Never throw here: graphql-ws would close the socket and every subscription on it.
          subscription.onEnd();
          log.error({ err: error }, "subscription could not start");
          return { errors: [internalError()] };
        }
      },
      onNext: (_ctx, _id, _payload, _args, result): FormattedExecutionResult | undefined => {
        if (!result.errors?.length) return undefined;
        const errors = result.errors.map(format);
        count(errors);
        return { ...result, errors };
      },
      onError: (_ctx, _id, _payload, errors) => {
        const formatted = errors.map(format);
        count(formatted);
        return formatted;
      },
    },
  };
}
