import { operationFromDocument, type Schema, Supergraph } from "@apollo/federation-internals";
import { buildOperationContext } from "@apollo/gateway";
import { type FetchNode, type PlanNode, QueryPlanner } from "@apollo/query-planner";
import type { DocumentNode, GraphQLSchema } from "graphql";

/** How one subscription operation runs across the subgraphs. */
export interface SubscriptionPlan {
  /** The subscription itself, sent to the subgraph that owns the root field. */
  primary: FetchNode;
  /** Entity fetches to run for every event, for fields of other subgraphs; absent when one subgraph has them all. */
  rest?: PlanNode;
  operationContext: ReturnType<typeof buildOperationContext>;
}

const MAX_CACHED_PLANS = 500;

/**
 * Plans subscriptions with the gateway's own query planner: @apollo/gateway
 * plans a subscription as `SubscriptionNode { primary, rest }` but refuses to
 * execute it, so the router runs `primary` over graphql-ws and `rest` per event.
 */
export class SubscriptionPlanner {
  readonly supergraph: Supergraph;
  /** The client-facing schema (federation's model), as executeQueryPlan wants it. */
  readonly api: Schema;
  /** The client-facing schema, for validation. */
  readonly apiSchema: GraphQLSchema;
  /** The supergraph schema, as executeQueryPlan wants it. */
  readonly supergraphSchema: GraphQLSchema;
  private readonly planner: QueryPlanner;
  private readonly cache = new Map<string, SubscriptionPlan>();

  constructor(supergraphSdl: string) {
    this.supergraph = Supergraph.build(supergraphSdl);
    this.api = this.supergraph.apiSchema();
    this.apiSchema = this.api.toGraphQLJSSchema();
    this.supergraphSchema = this.supergraph.schema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(this.supergraph);
  }

  /** The plan of a validated subscription document (cached by its text and operation name). */
  plan(document: DocumentNode, source: string, operationName: string | undefined): SubscriptionPlan {
    const key = `${operationName ?? ""}\n${source}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const operation = operationFromDocument(this.api, document, operationName ? { operationName } : {});
    const { node } = this.planner.buildQueryPlan(operation);
    if (node?.kind !== "Subscription") throw new Error("not a subscription operation");
    const plan: SubscriptionPlan = {
      primary: node.primary,
      ...(node.rest ? { rest: node.rest } : {}),
      operationContext: buildOperationContext({
        schema: this.apiSchema,
        operationDocument: document,
        ...(operationName ? { operationName } : {}),
      }),
    };
    if (this.cache.size >= MAX_CACHED_PLANS) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, plan);
    return plan;
  }
}
