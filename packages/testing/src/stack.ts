import { randomBytes } from "node:crypto";
import { type AnySubgraph, printSubgraphSdl, type RunningSubgraph, startSubgraph, subgraphSchema } from "@retailer/kit";
import { composeSupergraph, type RunningRouter, startRouter } from "@retailer/router";
import { createTestDatabase, type TestDatabase } from "./database.js";

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface Session {
  userId: string;
  email: string;
  accessToken: string;
  refreshToken: string;
  /** Headers that send this session's access token. */
  headers: Record<string, string>;
}

export interface Stack {
  router: RunningRouter;
  // biome-ignore lint/suspicious/noExplicitAny: each subgraph has its own database and service types
  subgraphs: Record<string, RunningSubgraph<any, any>>;
  database: TestDatabase;
  env: Record<string, string>;
  /** POST a GraphQL operation to the router. */
  query<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** Signs up a new customer through the router (needs the users subgraph). */
  signUp(name?: string): Promise<Session>;
  /** Signs in the admin created from ADMIN_EMAIL / ADMIN_PASSWORD. */
  admin(): Promise<Session>;
  stop(): Promise<void>;
}

export const ADMIN_EMAIL = "admin@retailer.test";
export const ADMIN_PASSWORD = "admin-password-1";
const SIGN_IN = `mutation SignIn($input: SignInInput!) {
  signIn(input: $input) { accessToken refreshToken user { id email } userErrors { code message } }
}`;
const SIGN_UP = `mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { accessToken refreshToken user { id email } userErrors { code message } }
}`;

/**
 * Boots the real thing for a test file: a fresh database, the given subgraphs
 * (migrated, on free ports; users first, since the others verify tokens with
 * its keys), a supergraph composed from their live schemas, and the router.
 */
export async function startStack(definitions: AnySubgraph[], extraEnv: Record<string, string> = {}): Promise<Stack> {
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
    INTERNAL_SECRET: randomBytes(32).toString("hex"),
    AUTH_SECRET: randomBytes(32).toString("hex"),
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    ...extraEnv,
  };
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const subgraphs: Record<string, RunningSubgraph<any, any>> = {};
  let router: RunningRouter | undefined;
  const stop = async () => {
    await router?.stop();
    await Promise.all(Object.values(subgraphs).map((s) => s.stop()));
    await database.drop();
  };
  const start = async (definition: AnySubgraph) => {
    const running = await startSubgraph(definition, { env, port: 0 });
    subgraphs[definition.name] = running;
    // Services find each other by <NAME>_URL, read when they call.
    env[`${definition.name.toUpperCase()}_URL`] = running.url;
  };
  try {
    const usersDefinition = definitions.find((d) => d.name === "users");
    if (usersDefinition) {
      await start(usersDefinition);
      env.USERS_JWKS_URL = new URL("/.well-known/jwks.json", env.USERS_URL).toString();
    }
    await Promise.all(definitions.filter((d) => d !== usersDefinition).map(start));
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
  const query: Stack["query"] = async (document, variables, headers) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query: document, variables }),
    });
    return (await response.json()) as GraphQLResponse<never>;
  };
  type AuthResult = {
    accessToken: string;
    refreshToken: string;
    user: { id: string; email: string };
    userErrors: { code: string }[];
  };
  const session = (result: GraphQLResponse<Record<string, AuthResult>>, field: string): Session => {
    const payload = result.data?.[field];
    if (!payload?.accessToken) throw new Error(`${field} failed: ${JSON.stringify(result)}`);
    return {
      userId: payload.user.id,
      email: payload.user.email,
      accessToken: payload.accessToken,
      refreshToken: payload.refreshToken,
      headers: { authorization: `Bearer ${payload.accessToken}` },
    };
  };
  let counter = 0;
  return {
    router,
    subgraphs,
    database,
    env,
    query,
    async signUp(name = "Test Customer") {
      counter += 1;
      const email = `customer-${counter}-${randomBytes(3).toString("hex")}@retailer.test`;
      const result = await query<Record<string, AuthResult>>(SIGN_UP, {
        input: { email, password: "password-123", name },
      });
      return session(result, "signUp");
    },
    async admin() {
      const result = await query<Record<string, AuthResult>>(SIGN_IN, {
        input: { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD },
      });
      return session(result, "signIn");
    },
    stop,
  };
}
