import { ApolloGateway, type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from "@apollo/gateway";
import { CLIENT_IP_HEADER, REQUEST_ID_HEADER, SIGNATURE_HEADER, signRequest, type Viewer } from "@retailer/kit";

/** What the router keeps of a client request for its subgraph fetches. */
export interface RouterContext {
  requestId: string;
  clientIp: string;
  /** The verified caller; null when anonymous. */
  viewer: Viewer | null;
  /** The client's Authorization header, forwarded to every subgraph (each verifies it again). */
  authorization?: string;
  traceparent?: string;
}

type Fetch = typeof fetch;

/**
 * Signs every request to a subgraph (HMAC over method, path and body with the
 * shared secret), so subgraphs can refuse anything that did not come through
 * the router or a service.
 */
export function signingFetcher(secret: string, base: Fetch = fetch): Fetch {
  return (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const body = typeof init?.body === "string" ? init.body : "";
    const headers = new Headers(init?.headers);
    headers.set(
      SIGNATURE_HEADER,
      signRequest(secret, { method: init?.method ?? "GET", path: url.pathname + url.search, body }),
    );
    return base(input, { ...init, headers });
  };
}

/** Forwards the request id, trace context and the caller's token to subgraphs, and nothing else the client sent. */
export class SubgraphDataSource extends RemoteGraphQLDataSource<RouterContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    const headers = request.http?.headers;
    if (!headers || !context) return;
    if (context.requestId) headers.set(REQUEST_ID_HEADER, context.requestId);
    headers.set(CLIENT_IP_HEADER, context.clientIp);
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

export function createGateway(
  supergraphSdl: string,
  env: Record<string, string | undefined>,
  internalSecret: string,
): ApolloGateway {
  // The stock gateway otherwise probes cloud metadata addresses and schedules usage uploads.
  process.env.APOLLO_TELEMETRY_DISABLED ??= "true";
  const fetcher = signingFetcher(internalSecret);
  return new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      new SubgraphDataSource({
        url: subgraphUrl(name, url, env),
        // Node's fetch (undici) speaks the Fetch API the data source expects.
        fetcher: fetcher as unknown as RemoteGraphQLDataSource["fetcher"],
      }),
  });
}
