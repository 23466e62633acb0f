import "reflect-metadata";
import { buildSubgraphSchema, type GraphQLResolverMap, printSubgraphSchema } from "@apollo/subgraph";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { createPubSub } from "@graphql-yoga/subscription";
import { type GraphQLSchema, parse } from "graphql";
import { GraphQLDateTime } from "graphql-scalars";
import { type BuildSchemaOptions, buildSchema, createResolversMap, getMetadataStorage } from "type-graphql";

/** The federation spec version our subgraphs link; composition 2.14 rejects newer. */
export const FEDERATION_VERSION = "v2.14";
const FEDERATION_IMPORTS = ["@key", "@shareable", "@inaccessible", "@external", "@requires", "@provides", "@override"];

export type ReferenceResolvers = Record<
  string,
  // biome-ignore lint/suspicious/noExplicitAny: reference shapes differ per entity
  { __resolveReference: (reference: any, context: any, info: any) => unknown }
>;

export interface FederatedSchemaOptions extends Omit<BuildSchemaOptions, "skipCheck"> {
  /** `__resolveReference` per entity type name. */
  referenceResolvers?: ReferenceResolvers;
}

/**
 * Builds a type-graphql schema and turns it into an Apollo Federation 2
 * subgraph schema: print it with its directives, link the federation spec,
 * and hand SDL and resolvers (with reference resolvers) to buildSubgraphSchema.
 */
export async function buildFederatedSchema(options: FederatedSchemaOptions): Promise<GraphQLSchema> {
  const { referenceResolvers = {}, ...buildOptions } = options;
  orderParametersAsWritten();
  const schema = await buildSchema({
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    // type-graphql wants one even when every subscription brings its own `subscribe` (ours do).
    pubSub: createPubSub(),
    ...buildOptions,
    skipCheck: true,
  });
  const link = `extend schema @link(url: "https://specs.apollo.dev/federation/${FEDERATION_VERSION}", import: ${JSON.stringify(FEDERATION_IMPORTS)})`;
  const typeDefs = parse(`${link}\n\n${printSchemaWithDirectives(schema)}`);
  const resolvers = createResolversMap(schema) as GraphQLResolverMap<unknown>;
  for (const [typeName, reference] of Object.entries(referenceResolvers)) {
    resolvers[typeName] = { ...(resolvers[typeName] as object), ...reference } as GraphQLResolverMap<unknown>[string];
  }
  return buildSubgraphSchema([{ typeDefs, resolvers }]);
}

/** The subgraph SDL as composition reads it (what `schema.graphql` holds). */
export const printSubgraphSdl = (schema: GraphQLSchema): string => `${printSubgraphSchema(schema).trim()}\n`;

/**
 * Parameter decorators run from the last parameter to the first, so
 * type-graphql records (and prints) arguments in reverse. Put each method's
 * parameters back in the order they are written, so `products(first, after,
 * filter, sort)` reads as the API contract does.
 */
function orderParametersAsWritten(): void {
  const params = getMetadataStorage().params as { target: object; methodName: string; index: number }[];
  const groups = new Map<object, Map<string, number[]>>();
  params.forEach((param, position) => {
    const byMethod = groups.get(param.target) ?? new Map<string, number[]>();
    groups.set(param.target, byMethod);
    const positions = byMethod.get(param.methodName) ?? [];
    byMethod.set(param.methodName, positions);
    positions.push(position);
  });
  for (const byMethod of groups.values()) {
    for (const positions of byMethod.values()) {
      const sorted = positions.map((p) => params[p] as (typeof params)[number]).sort((a, b) => a.index - b.index);
      positions.forEach((p, k) => {
        params[p] = sorted[k] as (typeof params)[number];
      });
    }
  }
}
