import { ApolloGateway, type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from "@apollo/gateway";
import { REQUEST_ID_HEADER } from "@retailer/kit";

/** What the router keeps of a client request for its subgraph fetches. */
export interface RouterContext {
  requestId: string;
  /** The client's Authorization header, forwarded to every subgraph (each verifies it again). */
  authorization?: string;
  traceparent?: string;
}

/** Forwards the request id, trace context and the caller's token to subgraphs, and nothing else the client sent. */
export class SubgraphDataSource extends RemoteGraphQLDataSource<RouterContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    const headers = request.http?.headers;
    if (!headers || !context) return;
    if (context.requestId) headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context.authorization) headers.set("authorization", context.authorization);
    if (context.traceparent) headers.set("traceparent", context.traceparent);
  }
}

/** The routing URL of a subgraph: <NAME>_URL in the environment wins over the supergraph's. */
export const subgraphUrl = (name: string, url: string | undefined, env: Record<string, string | undefined>): string => {
  const override = env[`${name.toUpperCase()}_URL`];
  const resolved = override && override.length > 0 ? override : url;
  if (!resolved) throw new Error(`subgraph ${name} has no routing URL: set ${name.toUpperCase()}_URL`);
  return resolved;
};

export function createGateway(supergraphSdl: string, env: Record<string, string | undefined>): ApolloGateway {
  // The stock gateway otherwise probes cloud metadata addresses and schedules usage uploads.
  process.env.APOLLO_TELEMETRY_DISABLED ??= "true";
  return new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new SubgraphDataSource({ url: subgraphUrl(name, url, env) }),
  });
}
