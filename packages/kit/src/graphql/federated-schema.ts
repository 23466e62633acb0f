import "reflect-metadata";
import { buildSubgraphSchema, type GraphQLResolverMap, printSubgraphSchema } from "@apollo/subgraph";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { type GraphQLSchema, parse } from "graphql";
import { GraphQLDateTime } from "graphql-scalars";
import { createPubSub } from "@graphql-yoga/subscription";
import { type BuildSchemaOptions, buildSchema, createResolversMap } from "type-graphql";

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
