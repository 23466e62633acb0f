import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { createTestDatabase } from "@retailer/testing";
import { describe, expect, it } from "vitest";
import { freePort } from "../scripts/embedded-postgres.js";

/*
 * `npm start` itself: the launcher on a new database (DATABASE_URL given, as
 * .ci/run does; the embedded PostgreSQL is the other path), every port free.
 */
const ROOT = path.resolve(import.meta.dirname, "..");
const SUBGRAPHS = ["users", "catalog", "cart", "orders", "payments", "notifications"];

async function waitReady(url: string, child: ChildProcess, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && child.exitCode === null) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

async function launch(extra: Record<string, string>) {
  const database = await createTestDatabase("retailer_launcher");
  const ports = Object.fromEntries(
    await Promise.all(
      [...SUBGRAPHS, "router"].map(async (name) => [`${name.toUpperCase()}_PORT`, String(await freePort())]),
    ),
  );
  const inherited = Object.entries(process.env).filter(
    ([key]) => !key.endsWith("_URL") && !key.endsWith("_PORT") && key !== "PORT",
  );
  const child = spawn(process.execPath, ["--conditions=retailer-source", "--import", "tsx", "scripts/start.ts"], {
    cwd: ROOT,
    env: {
      ...Object.fromEntries(inherited),
      ...ports,
      DATABASE_URL: database.url,
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      INTERNAL_SECRET: randomBytes(32).toString("hex"),
      AUTH_SECRET: randomBytes(32).toString("hex"),
      ...extra,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  for (const stream of [child.stdout, child.stderr]) stream?.on("data", (chunk) => (output += chunk));
  const router = `http://127.0.0.1:${ports.ROUTER_PORT}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    await database.drop();
  };
  return { child, router, output: () => output, stop, ready: () => waitReady(`${router}/ready`, child, 60_000) };
}

async function query<T>(
  router: string,
  document: string,
  headers: Record<string, string> = {},
): Promise<{ data?: T; errors?: unknown[] }> {
  const response = await fetch(`${router}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", "apollo-require-preflight": "true", ...headers },
    body: JSON.stringify({ query: document }),
  });
  return (await response.json()) as { data?: T; errors?: unknown[] };
}

describe("npm start", () => {
  it.each([
    ["the six subgraphs in one process (the default)", {}],
    ["one process per subgraph (START_SUBGRAPHS=separate)", { START_SUBGRAPHS: "separate" }],
  ])(
    "serves the seeded supergraph with %s and stops on SIGTERM",
    async (_, extra) => {
      const platform = await launch(extra);
      try {
        expect(await platform.ready(), platform.output()).toBe(true);
        const listing = await query<{ products: { totalCount: number } }>(
          platform.router,
          "{ products(first: 3) { totalCount nodes { name } } }",
        );
        expect(listing.errors).toBeUndefined();
        expect(listing.data?.products.totalCount).toBeGreaterThan(10);
        // Tokens from users verify everywhere: USERS_JWKS_URL followed USERS_PORT.
        const signUp = await query<{ signUp: { accessToken: string | null } }>(
          platform.router,
          `mutation { signUp(input: { email: "launch-${Date.now()}@example.com", password: "long-enough-1", name: "L" }) { accessToken userErrors { code } } }`,
        );
        const token = signUp.data?.signUp.accessToken;
        expect(token, JSON.stringify(signUp)).toBeTruthy();
        const me = await query<{ me: { orders: { totalCount: number } } }>(
          platform.router,
          "{ me { email cart { id } orders(first: 1) { totalCount } } }",
          { authorization: `Bearer ${token}` },
        );
        expect(me.errors).toBeUndefined();
        expect(me.data?.me.orders.totalCount).toBe(0);
        // Each service's lines carry its own name, hosted together or not.
        for (const name of [...SUBGRAPHS, "router"]) {
          expect(platform.output()).toMatch(new RegExp(`\\[${name} *\\] \\S+ INFO ${name} listening`));
        }
      } finally {
        await platform.stop();
      }
      expect(platform.child.exitCode).toBe(0);
    },
    90_000,
  );

  it("refuses an unknown START_SUBGRAPHS", async () => {
    const platform = await launch({ START_SUBGRAPHS: "sideways" });
    try {
      const code =
        platform.child.exitCode ?? (await new Promise((resolve) => platform.child.once("exit", (c) => resolve(c))));
      expect(code).toBe(1);
      expect(platform.output()).toContain("START_SUBGRAPHS must be shared or separate");
    } finally {
      await platform.stop();
    }
  }, 30_000);
});
