import { executeQueryPlan, type GraphQLDataSource, type ServiceMap } from "@apollo/gateway";
import type { FetchNode, PlanNode, QueryPlan } from "@apollo/query-planner";
import type { Logger } from "@retailer/kit";
import type { ExecutionResult, GraphQLError } from "graphql";
import type { RouterContext } from "../gateway.js";
import type { SubscriptionPlan, SubscriptionPlanner } from "./planner.js";

/** The name under which an event enters the plan, as if a subgraph had answered it. */
const EVENT_SOURCE = "__subscription_event__";

export interface EventRequest {
  source: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  context: RouterContext;
  log: Logger;
}

/**
 * Resolves one subscription event into the client's result: the event is fed
 * to the gateway's executor as the answer of the primary fetch, and the rest
 * of the plan runs after it, so fields owned by other subgraphs are fetched
 * (batched per entity type) with the subscriber's own context, hence their
 * Authorization, on every fetch. The executor also shapes the result to the
 * client's selection (aliases, __typename, fragments).
 *
 * Subscribers share one resolution of an event when everything the answer
 * can depend on is the same: the event itself (the very object the subgraph
 * subscription delivered: identical subscribers share that subscription,
 * see UpstreamConnections) and the document, operation name, variables and
 * Authorization, so the same viewer (`requestKey`, computed once per
 * subscription). One order watched by 1,000 identical subscribers is then
 * resolved, with any fetches it needs, once per event. Anything else
 * resolves on its own. A resolution is kept only as long as its event is.
 */
export class EventExecutor {
  /** Resolutions by event, then by request key: gone with the event. */
  private readonly resolutions = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

  constructor(
    private readonly planner: SubscriptionPlanner,
    private readonly dataSources: ReadonlyMap<string, GraphQLDataSource>,
  ) {}

  async resolve(
    plan: SubscriptionPlan,
    event: { data: Record<string, unknown> },
    request: EventRequest,
    key: string = requestKey(request),
  ): Promise<ExecutionResult> {
    let byRequest = this.resolutions.get(event.data);
    if (!byRequest) {
      byRequest = new Map();
      this.resolutions.set(event.data, byRequest);
    }
    let running = byRequest.get(key);
    if (!running) {
      running = this.execute(plan, event, request);
      byRequest.set(key, running);
    }
    // Each subscriber gets a result object of its own (the relay adds upstream errors to it).
    return { ...(await running) };
  }

  private async execute(
    plan: SubscriptionPlan,
    event: { data: Record<string, unknown> },
    request: EventRequest,
  ): Promise<ExecutionResult> {
    const eventFetch: FetchNode = { ...plan.primary, serviceName: EVENT_SOURCE };
    const node: PlanNode = { kind: "Sequence", nodes: plan.rest ? [eventFetch, plan.rest] : [eventFetch] };
    const serviceMap: ServiceMap = Object.fromEntries(this.dataSources);
    serviceMap[EVENT_SOURCE] = { process: async () => ({ data: event.data }) };
    const requestContext = {
      request: { query: request.source, variables: request.variables, operationName: request.operationName },
      context: request.context,
      // The executor reads and writes here (nonFtv1ErrorPaths); nothing is reported.
      metrics: {},
      logger: request.log,
      operationName: request.operationName ?? null,
    };
    const queryPlan: QueryPlan = { kind: "QueryPlan", node };
    const result = await executeQueryPlan(
      queryPlan,
      serviceMap,
      requestContext as unknown as Parameters<typeof executeQueryPlan>[2],
      plan.operationContext,
      this.planner.supergraphSchema,
      this.planner.api,
    );
    return {
      data: (result.data ?? null) as Record<string, unknown> | null,
      ...(result.errors?.length ? { errors: result.errors as GraphQLError[] } : {}),
    };
  }
}

/**
 * What a resolved event can depend on besides the event: the document and
 * operation (hence the plan), the variables, and the caller's Authorization
 * (every fetch carries it, and subgraphs authorize by it). Request id, client
 * address and trace context differ between subscribers but change no answer
 * (subgraphs use the address only to rate-limit sign-ins): a shared fetch
 * carries those of the subscriber that started it.
 */
export function requestKey(request: EventRequest): string {
  return JSON.stringify([
    request.source,
    request.operationName ?? null,
    request.variables,
    request.context.authorization ?? null,
  ]);
}
