import { catalog } from "@retailer/catalog";
import { mintServiceToken, SIGNATURE_HEADER, signRequest } from "@retailer/kit";
import { type Session, type Stack, startStack } from "@retailer/testing";
import { users } from "@retailer/users";
import { generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let stack: Stack;
let customer: Session;
let realKid: string;

beforeAll(async () => {
  stack = await startStack([users, catalog]);
  customer = await stack.signUp("Token Holder");
  const jwks = (await (await fetch(new URL("/.well-known/jwks.json", stack.env.USERS_URL))).json()) as {
    keys: { kid: string }[];
  };
  realKid = jwks.keys[0]?.kid as string;
});
afterAll(() => stack?.stop());

const auth = () => stack.subgraphs.users?.services.auth;
const now = () => Math.floor(Date.now() / 1000);
/** Signs with the users service's own key, as it would, with claims of the test's choosing. */
async function mint(payload: Record<string, unknown>): Promise<string> {
  const result = await auth().api.signJWT({
    body: { payload: { sub: customer.userId, role: "CUSTOMER", ...payload } },
  });
  return result.token as string;
}

const ME = "{ me { id } }";
async function viaRouter(token: string) {
  return stack.query(ME, {}, { authorization: `Bearer ${token}` });
}
/** Straight to a subgraph, with the router's signature, as if the token got past the router. */
async function viaSubgraph(name: string, token: string | null, query = ME, sign = true) {
  const url = new URL(stack.subgraphs[name]?.url as string);
  const body = JSON.stringify({ query });
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (sign)
    headers[SIGNATURE_HEADER] = signRequest(stack.env.INTERNAL_SECRET as string, {
      method: "POST",
      path: url.pathname,
      body,
    });
  const response = await fetch(url, { method: "POST", headers, body });
  return {
    status: response.status,
    body: (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] },
  };
}

describe("access tokens", () => {
  it("a valid token reaches me through the router and directly", async () => {
    expect((await viaRouter(customer.accessToken)).data).toEqual({ me: { id: customer.userId } });
    expect((await viaSubgraph("users", customer.accessToken)).body.data).toEqual({ me: { id: customer.userId } });
  });

  const cases: [string, () => Promise<string>][] = [
    [
      "signed by another key under the real kid",
      async () => {
        const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
        return new SignJWT({ role: "ADMIN" })
          .setProtectedHeader({ alg: "EdDSA", kid: realKid })
          .setSubject(customer.userId)
          .setIssuer("retailer")
          .setAudience("retailer-api")
          .setExpirationTime("5m")
          .sign(privateKey);
      },
    ],
    [
      "alg none",
      async () => {
        const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
        return `${part({ alg: "none", typ: "JWT" })}.${part({ sub: customer.userId, role: "ADMIN", iss: "retailer", aud: "retailer-api", exp: now() + 300 })}.`;
      },
    ],
    [
      "HS256 signed with the public key",
      async () => {
        const jwk = (await (await fetch(new URL("/.well-known/jwks.json", stack.env.USERS_URL))).json()) as {
          keys: object[];
        };
        const secret = new TextEncoder().encode(JSON.stringify(jwk.keys[0]));
        return new SignJWT({ role: "ADMIN" })
          .setProtectedHeader({ alg: "HS256", kid: realKid })
          .setSubject(customer.userId)
          .setIssuer("retailer")
          .setAudience("retailer-api")
          .setExpirationTime("5m")
          .sign(secret);
      },
    ],
    ["expired", () => mint({ exp: now() - 60, iat: now() - 1000 })],
    ["for another audience", () => mint({ aud: "someone-else" })],
    ["from another issuer", () => mint({ iss: "evil" })],
    ["a service token signed with the wrong secret", () => mintServiceToken("x".repeat(40), "orders")],
  ];

  it.each(cases)("refuses a token %s with UNAUTHENTICATED, at the router and at a subgraph", async (_name, make) => {
    const token = await make();
    const routed = await viaRouter(token);
    expect(routed.data ?? null).toBeNull();
    expect(routed.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const direct = await viaSubgraph("catalog", token, "{ products(first: 1) { totalCount } }");
    expect(direct.status).toBe(401);
    expect(direct.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a malformed Authorization header", async () => {
    const result = await stack.query(ME, {}, { authorization: "Basic dXNlcjpwYXNz" });
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("knows a service token as role SERVICE", async () => {
    const token = await mintServiceToken(stack.env.INTERNAL_SECRET as string, "orders");
    // A service may read stock, which is admin-only for people.
    const direct = await viaSubgraph("catalog", token, "{ products(first: 1) { totalCount } }");
    expect(direct.status).toBe(200);
  });
});

describe("subgraphs", () => {
  it("refuse a request without the router's signature", async () => {
    const unsigned = await viaSubgraph("catalog", null, "{ products(first: 1) { totalCount } }", false);
    expect(unsigned.status).toBe(403);
    expect(unsigned.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("refuse a signature made with another secret, for another body, or too old", async () => {
    const url = new URL(stack.subgraphs.catalog?.url as string);
    const body = JSON.stringify({ query: "{ _service { sdl } }" });
    const attempt = async (signature: string) =>
      (
        await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signature },
          body,
        })
      ).status;
    const secret = stack.env.INTERNAL_SECRET as string;
    expect(await attempt(signRequest("y".repeat(64), { method: "POST", path: url.pathname, body }))).toBe(403);
    expect(await attempt(signRequest(secret, { method: "POST", path: url.pathname, body: `${body} ` }))).toBe(403);
    expect(
      await attempt(signRequest(secret, { method: "POST", path: url.pathname, body }, Date.now() - 10 * 60_000)),
    ).toBe(403);
    expect(await attempt(signRequest(secret, { method: "POST", path: url.pathname, body }))).toBe(200);
  });
});
