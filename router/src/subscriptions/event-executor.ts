import { type Operation, operationFromDocument } from "@apollo/federation-internals";
import { executeQueryPlan, type GraphQLDataSource, type ServiceMap } from "@apollo/gateway";
// What executeQueryPlan runs after its fetches, used as is for plans of one fetch (see `shape`).
import { applyRewrites } from "@apollo/gateway/dist/dataRewrites.js";
import { computeResponse } from "@apollo/gateway/dist/resultShaping.js";
import { deepMerge } from "@apollo/gateway/dist/utilities/deepMerge.js";
import type { FetchNode, PlanNode, QueryPlan } from "@apollo/query-planner";
import type { Logger } from "@retailer/kit";
import { type DocumentNode, type ExecutionResult, GraphQLError, Kind } from "graphql";
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
 * client's selection (aliases, __typename, fragments). A subscription one
 * subgraph answers whole (no `rest`) skips the executor's per-call setup: its
 * operation is built once per plan and the event shaped with the executor's
 * own steps (`shape`), with the same results and errors.
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
  /** The federation operation of each plan answered by its subgraph alone (null: it could not be built). */
  private readonly operations = new WeakMap<SubscriptionPlan, Operation | null>();

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
    const operation = plan.rest ? null : this.operationOf(plan);
    if (operation) return this.shape(plan, operation, event, request);
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

  /**
   * The operation executeQueryPlan builds from the client's document on every
   * call (operationFromDocument, the larger part of its cost for a plan of
   * one fetch), built once per plan: it depends on the document only.
   */
  private operationOf(plan: SubscriptionPlan): Operation | null {
    let operation = this.operations.get(plan);
    if (operation === undefined) {
      const { operationContext } = plan;
      const document: DocumentNode = {
        kind: Kind.DOCUMENT,
        definitions: [operationContext.operation, ...Object.values(operationContext.fragments)],
      };
      try {
        operation = operationFromDocument(this.planner.api, document, { validate: false });
      } catch {
        // executeQueryPlan reports it, per event, as it always has.
        operation = null;
      }
      this.operations.set(plan, operation);
    }
    return operation;
  }

  /**
   * What executeQueryPlan does with a plan whose only fetch is the event (a
   * subscription one subgraph answers whole), with the operation built once:
   * the event's data, rewritten as the fetch says, is merged into an empty
   * result, which is then shaped to the client's selection (aliases,
   * __typename, fragments, @skip/@include, nulls bubbling up); the same
   * errors, the same data. Plans with entity fetches go through
   * executeQueryPlan itself.
   */
  private shape(
    plan: SubscriptionPlan,
    operation: Operation,
    event: { data: Record<string, unknown> },
    request: EventRequest,
  ): ExecutionResult {
    const errors: GraphQLError[] = [];
    const unfiltered: Record<string, unknown> = Object.create(null);
    try {
      applyRewrites(this.planner.supergraphSchema, plan.primary.outputRewrites, event.data);
      deepMerge(unfiltered, event.data);
    } catch (error) {
      errors.push(error as GraphQLError);
    }
    let data: Record<string, unknown> | null | undefined;
    try {
      ({ data } = computeResponse({
        operation,
        variables: request.variables,
        input: unfiltered,
        introspectionHandling: () => {
          // __schema and __type are fields of Query alone, and no field returns Query.
          throw new Error("introspection in a subscription event");
        },
      }));
    } catch (error) {
      if (error instanceof GraphQLError) return { data: null, errors: [error] };
      if (error instanceof Error) {
        return { data: null, errors: [new GraphQLError(error.message, { originalError: error })] };
      }
      request.log.error(`Unexpected error during query plan execution: ${error}`);
      return { data: null, errors: [new GraphQLError("Unexpected error during query plan execution")] };
    }
    return { data: data ?? null, ...(errors.length ? { errors } : {}) };
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
