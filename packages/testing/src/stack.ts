import {
  printSubgraphSdl,
  type RunningSubgraph,
  type SubgraphDefinition,
  startSubgraph,
  subgraphSchema,
} from "@retailer/kit";
import { composeSupergraph, type RunningRouter, startRouter } from "@retailer/router";
import { createTestDatabase, type TestDatabase } from "./database.js";

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface Stack {
  router: RunningRouter;
  // biome-ignore lint/suspicious/noExplicitAny: each subgraph has its own database type
  subgraphs: Record<string, RunningSubgraph<any>>;
  database: TestDatabase;
  env: Record<string, string>;
  /** POST a GraphQL operation to the router. */
  query<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

/**
 * Boots the real thing for a test file: a fresh database, the given subgraphs
 * (migrated, on free ports), a supergraph composed from their live schemas,
 * and the router in front of them.
 */
export async function startStack(
  // biome-ignore lint/suspicious/noExplicitAny: definitions differ in their database and loader types
  definitions: SubgraphDefinition<any, any>[],
  extraEnv: Record<string, string> = {},
): Promise<Stack> {
  const database = await createTestDatabase();
  // Routing URL overrides (CATALOG_URL, ...) from the shell would point the router elsewhere.
  const inherited = Object.entries(process.env).filter(([key]) => !key.endsWith("_URL") || key === "DATABASE_URL");
  const env: Record<string, string> = {
    ...(Object.fromEntries(inherited) as Record<string, string>),
    NODE_ENV: "test",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    HOST: "127.0.0.1",
    DATABASE_URL: database.url,
    DB_POOL_MAX: "5",
    SHUTDOWN_GRACE_MS: "1000",
    ...extraEnv,
  };
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const subgraphs: Record<string, RunningSubgraph<any>> = {};
  let router: RunningRouter | undefined;
  const stop = async () => {
    await router?.stop();
    await Promise.all(Object.values(subgraphs).map((s) => s.stop()));
    await database.drop();
  };
  try {
    await Promise.all(
      definitions.map(async (definition) => {
        subgraphs[definition.name] = await startSubgraph(definition, { env, port: 0 });
      }),
    );
    const sources = await Promise.all(
      definitions.map(async (definition) => ({
        name: definition.name,
        url: subgraphs[definition.name]?.url as string,
        sdl: printSubgraphSdl(await subgraphSchema(definition)),
      })),
    );
    const { supergraphSdl } = composeSupergraph(sources);
    router = await startRouter({ env, port: 0, supergraphSdl });
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
  const url = router.url;
  return {
    router,
    subgraphs,
    database,
    env,
    async query(query, variables, headers) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<never>;
    },
    stop,
  };
}
