import { composeServices } from "@apollo/composition";
import { printSchema } from "@apollo/federation-internals";
import { parse } from "graphql";

export interface SubgraphSource {
  name: string;
  url: string;
  sdl: string;
}

export interface Composed {
  /** The supergraph SDL the router serves (with join directives). */
  supergraphSdl: string;
  /** The client-facing API schema: what Sandbox and codegen see. */
  apiSchemaSdl: string;
}

export class CompositionError extends Error {
  constructor(readonly problems: string[]) {
    super(`composition failed:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "CompositionError";
  }
}

/** Composes subgraph SDLs as `rover supergraph compose` would; throws CompositionError naming each problem. */
export function composeSupergraph(subgraphs: SubgraphSource[]): Composed {
  const services = subgraphs.map(({ name, url, sdl }) => {
    try {
      return { name, url, typeDefs: parse(sdl) };
    } catch (error) {
      throw new CompositionError([`[${name}] schema does not parse: ${(error as Error).message}`]);
    }
  });
  const result = composeServices(services);
  if (result.errors) {
    throw new CompositionError(
      result.errors.map((e) => `${e.extensions?.code ? `${String(e.extensions.code)}: ` : ""}${e.message}`),
    );
  }
  return {
    supergraphSdl: `${result.supergraphSdl.trim()}\n`,
    apiSchemaSdl: `${printSchema(result.schema.toAPISchema()).trim()}\n`,
  };
}
