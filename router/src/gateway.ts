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
import { InFlight } from "./in-flight.js";
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
  /** SUBGRAPH_DEDUPLICATION: identical query fetches in flight at once share one request. */
  deduplicate: boolean;
}

/**
 * A subgraph as the query plan calls it: POSTs the fetch over the pooled
 * undici client, signs it (HMAC over method, path and body), forwards the
 * request id, client address and the caller's token, and nothing else the
 * client sent. Each fetch is a client span (`subgraph catalog`) whose W3C
 * `traceparent` the request carries, so the subgraph's spans are its children. A subgraph that is down, slow or answers
 * garbage becomes a GraphQL error naming it (SUBGRAPH_UNAVAILABLE,
 * SUBGRAPH_TIMEOUT, SUBGRAPH_ERROR); mutations are never retried.
 *
 * With `deduplicate`, a fetch of a query operation identical to one in
 * flight (same URL, body, Authorization and client address: see
 * `deduplicationKey`) sends nothing: it waits for that request's answer and
 * parses its own copy, or fails with the same error.
 */
export class SubgraphDataSource implements GraphQLDataSource<RouterContext> {
  private readonly path: string;
  private readonly inFlight = new InFlight<SubgraphHttpResponse>();

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

  async process(options: GraphQLDataSourceProcessOptions<RouterContext>): Promise<GatewayResponse> {
    const { request, context } = options;
    const { name, metrics, timeoutMs } = this.options;
    const body = JSON.stringify({
      query: request.query,
      variables: request.variables,
      ...(request.operationName ? { operationName: request.operationName } : {}),
    });
    const routerContext = context as Partial<RouterContext> | undefined;
    const mutation = /^\s*mutation\b/.test(request.query ?? "");
    // Before anything per request (signature, request id, trace headers) is added.
    const key = this.options.deduplicate ? this.deduplicationKey(options, body, routerContext) : undefined;
    const attributes = {
      "retailer.subgraph": name,
      "url.full": this.options.url,
      ...(request.operationName ? { "graphql.operation.name": request.operationName } : {}),
    };
    return tracedCall(
      `subgraph ${name}`,
      attributes,
      async (traceHeaders, span) => {
        const send = () => this.send(routerContext, body, traceHeaders, mutation);
        let response: SubgraphHttpResponse;
        try {
          if (key === undefined) {
            response = await send();
          } else {
            const { result, shared } = this.inFlight.run(key, send);
            if (shared) {
              metrics.subgraphFetchesDeduplicated.inc({ subgraph: name });
              span.setAttribute("retailer.subgraph.deduplicated", true);
            }
            response = await result;
          }
        } catch (error) {
          const reason = error instanceof SubgraphFetchError ? error.reason : "unavailable";
          throw reason === "timeout"
            ? subgraphError(name, "SUBGRAPH_TIMEOUT", `The ${name} service did not answer within ${timeoutMs} ms.`)
            : subgraphError(name, "SUBGRAPH_UNAVAILABLE", `The ${name} service is unavailable.`);
        }
        span.setAttribute("http.response.status_code", response.status);
        // Parsed per caller: a follower never shares objects with the leader or another follower.
        return this.parse(response);
      },
      { traceparent: routerContext?.traceparent, tracestate: routerContext?.tracestate },
    );
  }

  /** One HTTP request to the subgraph, timed in subgraph_fetch_duration_seconds. */
  private async send(
    context: Partial<RouterContext> | undefined,
    body: string,
    traceHeaders: Record<string, string>,
    mutation: boolean,
  ): Promise<SubgraphHttpResponse> {
    const { name, fetcher, metrics, timeoutMs } = this.options;
    const headers = { ...this.headers(context, body), ...traceHeaders };
    const stopTimer = metrics.subgraphFetchDuration.startTimer({ subgraph: name });
    try {
      const response = await fetcher.post(this.options.url, headers, body, {
        timeoutMs,
        retryStaleConnection: !mutation,
      });
      stopTimer({ outcome: response.status === 200 ? "ok" : "error" });
      return response;
    } catch (error) {
      stopTimer({ outcome: error instanceof SubgraphFetchError ? error.reason : "unavailable" });
      throw error;
    }
  }

  /**
   * What makes two fetches answerable by one request, or undefined when this
   * one must go alone. Only fetches of a client's query operation (as Apollo
   * Server resolved it) whose own text is a query: never a mutation, never a
   * subscription's event fetches (they carry no resolved operation), never
   * anything unrecognised. The key holds everything sent that can change the
   * answer: the URL, the exact body (query, variables, operation name), the
   * caller's Authorization and the client address (subgraphs read it; today
   * only in mutations, but it is kept rather than argued away). Left out, as
   * they cannot change an answer: the signature (the same HMAC over the same
   * path and body, only its timestamp differs; a subgraph checks it and
   * answers nothing of it), the request id and the W3C trace headers (logs
   * and spans only), and the constant content-type and accept.
   */
  private deduplicationKey(
    options: GraphQLDataSourceProcessOptions<RouterContext>,
    body: string,
    context: Partial<RouterContext> | undefined,
  ): string | undefined {
    if (!("incomingRequestContext" in options)) return undefined;
    if (options.incomingRequestContext.operation?.operation !== "query") return undefined;
    if (!/^\s*(?:query\b|\{)/.test(options.request.query ?? "")) return undefined;
    // JSON for the short parts (no raw newline in it), then the body as sent: unambiguous.
    return `${JSON.stringify([this.options.url, context?.authorization ?? null, context?.clientIp ?? null])}\n${body}`;
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
