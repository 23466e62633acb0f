import { buildSchema, type GraphQLEnumType } from "graphql";

/** Subgraph names and routing URLs declared in a supergraph SDL (its join__Graph enum). */
export function subgraphsOf(supergraphSdl: string): { name: string; url: string }[] {
  const schema = buildSchema(supergraphSdl, { assumeValidSDL: true });
  const graphs = schema.getType("join__Graph") as GraphQLEnumType | undefined;
  if (!graphs) return [];
  return graphs.getValues().map((value) => {
    const directive = value.astNode?.directives?.find((d) => d.name.value === "join__graph");
    const arg = (key: string) => {
      const node = directive?.arguments?.find((a) => a.name.value === key)?.value;
      return node?.kind === "StringValue" ? node.value : "";
    };
    return { name: arg("name") || value.name.toLowerCase(), url: arg("url") };
  });
}
