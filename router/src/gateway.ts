import { ApolloGateway, type GraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import {
  CLIENT_IP_HEADER,
  REQUEST_ID_HEADER,
  SIGNATURE_HEADER,
  signRequest,
  subgraphEnvVar,
  tracedCall,
  type Viewer,
} from "@retailer/kit";
import { GraphQLError } from "graphql";
import { SubgraphFetchError, type SubgraphFetcher, type SubgraphHttpResponse } from "./fetcher.js";
import type { RouterMetrics } from "./metrics.js";

/** What the router keeps of a client request (or subscription) for its subgraph fetches. */
export interface RouterContext {
  requestId: string;
  clientIp: string;
  /** The verified caller; null when anonymous. */
  viewer: Viewer | null;
  /** The client's Authorization header, forwarded to every subgraph (each verifies it again). */
  authorization?: string;
  /** The client's W3C trace context: passed on as is only while tracing is off (else the router's span is). */
  traceparent?: string;
  tracestate?: string;
}

type GatewayResponse = Awaited<ReturnType<GraphQLDataSource["process"]>>;

export interface DataSourceOptions {
  name: string;
  url: string;
  fetcher: SubgraphFetcher;
  /** INTERNAL_SECRET: every request is signed, so subgraphs can refuse anything else. */
  secret: string;
  timeoutMs: number;
  metrics: RouterMetrics;
}

/**
 * A subgraph as the query plan calls it: POSTs the fetch over the pooled
 * undici client, signs it (HMAC over method, path and body), forwards the
 * request id, client address and the caller's token, and nothing else the
 * client sent. Each fetch is a client span (`subgraph catalog`) whose W3C
 * `traceparent` the request carries, so the subgraph's spans are its children. A subgraph that is down, slow or answers
 * garbage becomes a GraphQL error naming it (SUBGRAPH_UNAVAILABLE,
 * SUBGRAPH_TIMEOUT, SUBGRAPH_ERROR); mutations are never retried.
 */
export class SubgraphDataSource implements GraphQLDataSource<RouterContext> {
  private readonly path: string;

  constructor(private readonly options: DataSourceOptions) {
    const url = new URL(options.url);
    this.path = url.pathname + url.search;
  }

  get name(): string {
    return this.options.name;
  }

  get url(): string {
    return this.options.url;
  }

  async process({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): Promise<GatewayResponse> {
    const { name, fetcher, metrics, timeoutMs } = this.options;
    const body = JSON.stringify({
      query: request.query,
      variables: request.variables,
      ...(request.operationName ? { operationName: request.operationName } : {}),
    });
    const routerContext = context as Partial<RouterContext> | undefined;
    const mutation = /^\s*mutation\b/.test(request.query ?? "");
    const attributes = {
      "retailer.subgraph": name,
      "url.full": this.options.url,
      ...(request.operationName ? { "graphql.operation.name": request.operationName } : {}),
    };
    return tracedCall(
      `subgraph ${name}`,
      attributes,
      async (traceHeaders, span) => {
        const headers = { ...this.headers(routerContext, body), ...traceHeaders };
        const stopTimer = metrics.subgraphFetchDuration.startTimer({ subgraph: name });
        let response: SubgraphHttpResponse;
        try {
          response = await fetcher.post(this.options.url, headers, body, {
            timeoutMs,
            retryStaleConnection: !mutation,
          });
        } catch (error) {
          const reason = error instanceof SubgraphFetchError ? error.reason : "unavailable";
          stopTimer({ outcome: reason });
          throw reason === "timeout"
            ? subgraphError(name, "SUBGRAPH_TIMEOUT", `The ${name} service did not answer within ${timeoutMs} ms.`)
            : subgraphError(name, "SUBGRAPH_UNAVAILABLE", `The ${name} service is unavailable.`);
        }
        stopTimer({ outcome: response.status === 200 ? "ok" : "error" });
        span.setAttribute("http.response.status_code", response.status);
        return this.parse(response);
      },
      { traceparent: routerContext?.traceparent, tracestate: routerContext?.tracestate },
    );
  }

  private headers(context: Partial<RouterContext> | undefined, body: string): Record<string, string> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
      [SIGNATURE_HEADER]: signRequest(this.options.secret, { method: "POST", path: this.path, body }),
    };
    if (context?.requestId) headers[REQUEST_ID_HEADER] = context.requestId;
    if (context?.clientIp) headers[CLIENT_IP_HEADER] = context.clientIp;
    if (context?.authorization) headers.authorization = context.authorization;
    return headers;
  }

  /** A GraphQL answer (errors included, whatever the status), or an error naming the subgraph. */
  private parse(response: SubgraphHttpResponse): GatewayResponse {
    const { name } = this.options;
    let body: unknown;
    try {
      body = /json/.test(response.contentType) ? JSON.parse(response.text) : undefined;
    } catch {
      body = undefined;
    }
    const graphql = body as GatewayResponse | undefined;
    const isGraphQL =
      typeof graphql === "object" && graphql !== null && ("data" in graphql || Array.isArray(graphql.errors));
    if (isGraphQL && (response.status === 200 || (graphql.errors?.length ?? 0) > 0)) return graphql;
    throw subgraphError(
      name,
      "SUBGRAPH_ERROR",
      response.status === 200
        ? `The ${name} service answered with something that is not GraphQL.`
        : `The ${name} service answered HTTP ${response.status}.`,
    );
  }
}

const subgraphError = (serviceName: string, code: string, message: string) =>
  new GraphQLError(message, { extensions: { code, serviceName } });

/** The routing URL of a subgraph: <NAME>_URL in the environment wins over the supergraph's. */
export const subgraphUrl = (name: string, url: string | undefined, env: Record<string, string | undefined>): string => {
  const override = env[subgraphEnvVar(name, "URL")];
  const resolved = override && override.length > 0 ? override : url;
  if (!resolved) throw new Error(`subgraph ${name} has no routing URL: set ${name.toUpperCase()}_URL`);
  return resolved;
};

export interface GatewayOptions {
  supergraphSdl: string;
  env: Record<string, string | undefined>;
  dataSource: (name: string, url: string) => SubgraphDataSource;
}

export function createGateway({ supergraphSdl, env, dataSource }: GatewayOptions): ApolloGateway {
  // The stock gateway otherwise probes cloud metadata addresses and schedules usage uploads.
  process.env.APOLLO_TELEMETRY_DISABLED ??= "true";
  return new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => dataSource(name, subgraphUrl(name, url, env)),
  });
}
