import { GraphQLError, type GraphQLFormattedError } from "graphql";

/**
 * Codes a subscriber can get (in a `next` payload's errors, or an `error`
 * message), besides the usual GRAPHQL_PARSE_FAILED / GRAPHQL_VALIDATION_FAILED
 * / BAD_USER_INPUT / UNAUTHENTICATED / FORBIDDEN.
 */
export const SubscriptionErrorCode = {
  /** The router lost (or could not open) its connection to the subgraph serving it: subscribe again. */
  SUBGRAPH_CONNECTION_LOST: "SUBGRAPH_CONNECTION_LOST",
  /** The connection already carries WS_MAX_SUBSCRIPTIONS_PER_CONNECTION subscriptions. */
  TOO_MANY_SUBSCRIPTIONS: "TOO_MANY_SUBSCRIPTIONS",
  /** The subscriber read events too slowly and fell too far behind. */
  SLOW_CONSUMER: "SLOW_CONSUMER",
  /** Queries and mutations go over HTTP; graphql-ws carries subscriptions only. */
  BAD_REQUEST: "BAD_REQUEST",
} as const;

export const connectionLost = (serviceName: string, opened: boolean): GraphQLError =>
  new GraphQLError(
    opened
      ? `The router lost its connection to the ${serviceName} service; subscribe again.`
      : `The router could not connect to the ${serviceName} service; subscribe again later.`,
    { extensions: { code: SubscriptionErrorCode.SUBGRAPH_CONNECTION_LOST, serviceName } },
  );

export const tooManySubscriptions = (max: number): GraphQLError =>
  new GraphQLError(`This connection already has ${max} subscriptions, the most it may have.`, {
    extensions: { code: SubscriptionErrorCode.TOO_MANY_SUBSCRIPTIONS, max },
  });

export const slowConsumer = (): GraphQLError =>
  new GraphQLError("The subscription fell too far behind its events and was ended.", {
    extensions: { code: SubscriptionErrorCode.SLOW_CONSUMER },
  });

export const badRequest = (message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: SubscriptionErrorCode.BAD_REQUEST } });

export const internalError = (): GraphQLError =>
  new GraphQLError("Internal server error", { extensions: { code: "INTERNAL_SERVER_ERROR" } });

/** graphql-ws delivers errors as plain objects; its server sends only GraphQLErrors (it calls toJSON()). */
export function revive(error: GraphQLFormattedError, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(error.message, {
    ...(error.path ? { path: error.path } : {}),
    extensions: { ...error.extensions, ...extra },
  });
}

export const isFormattedErrors = (value: unknown): value is GraphQLFormattedError[] =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.every((item) => typeof item === "object" && item !== null && typeof item.message === "string");

/** An error as a client may see it: no `http` hint (that is for HTTP responses). */
export function forClient(error: GraphQLError): GraphQLError {
  const { http: _, ...extensions } = error.extensions as Record<string, unknown>;
  return new GraphQLError(error.message, {
    ...(error.nodes ? { nodes: error.nodes } : {}),
    ...(error.path ? { path: error.path } : {}),
    extensions,
  });
}
