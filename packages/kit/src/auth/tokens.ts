import { createRemoteJWKSet, decodeJwt, type JWTPayload, type JWTVerifyGetKey, jwtVerify, SignJWT } from "jose";
import { unauthenticated } from "../errors.js";
import type { Role, Viewer } from "./viewer.js";

/** Issuer of service tokens, which only holders of INTERNAL_SECRET can mint. */
export const SERVICE_ISSUER = "retailer-internal";
const SERVICE_AUDIENCE = "retailer-services";

export interface TokenVerifierOptions {
  /** Public keys of the users service (its JWKS). */
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  /** Shared secret of the services; verifies service tokens. */
  internalSecret: string;
}

export interface VerifiedToken {
  viewer: Viewer;
  /** Seconds since the epoch. */
  expiresAt: number;
}

export type TokenVerifier = (token: string) => Promise<VerifiedToken>;

/** The JWKS of the users service over HTTP: fetched once, cached, refetched on an unknown `kid`. */
export const remoteKeys = (url: string): JWTVerifyGetKey =>
  createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000, timeoutDuration: 5_000 });

const ROLES: Record<string, Role> = { CUSTOMER: "CUSTOMER", ADMIN: "ADMIN" };

/**
 * Verifies a Bearer token. User tokens: EdDSA only, against the users JWKS,
 * with issuer, audience and expiry checked. Service tokens: HS256 only, with
 * the shared secret. The unverified `iss` only picks which of the two checks
 * runs; each pins its own algorithm, so `alg: none` or an HS256 token signed
 * with a public key never passes. Any failure is UNAUTHENTICATED.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const secret = new TextEncoder().encode(options.internalSecret);
  return async (token) => {
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch {
      throw unauthenticated("The access token is malformed.", 401);
    }
    try {
      if (claims.iss === SERVICE_ISSUER) {
        const { payload } = await jwtVerify(token, secret, {
          algorithms: ["HS256"],
          issuer: SERVICE_ISSUER,
          audience: SERVICE_AUDIENCE,
          requiredClaims: ["exp", "sub"],
        });
        return { viewer: { id: String(payload.sub), role: "SERVICE" }, expiresAt: payload.exp as number };
      }
      const { payload } = await jwtVerify(token, options.keys, {
        algorithms: ["EdDSA"],
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ["exp", "sub"],
      });
      const role = ROLES[String(payload.role)];
      if (!role || !payload.sub) throw new Error("token has no known role or subject");
      const viewer: Viewer = {
        id: payload.sub,
        role,
        ...(typeof payload.sid === "string" ? { sessionId: payload.sid } : {}),
      };
      return { viewer, expiresAt: payload.exp as number };
    } catch (error) {
      const expired = (error as { code?: string }).code === "ERR_JWT_EXPIRED";
      throw unauthenticated(expired ? "The access token has expired." : "The access token is not valid.", 401);
    }
  };
}

/** A short-lived token a service sends when it calls another service. */
export function mintServiceToken(internalSecret: string, service: string, ttlSeconds = 300): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(SERVICE_ISSUER)
    .setAudience(SERVICE_AUDIENCE)
    .setSubject(service)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(new TextEncoder().encode(internalSecret));
}

/**
 * The viewer of a request: null without an Authorization header;
 * UNAUTHENTICATED for anything but a valid Bearer token (never anonymous).
 */
export async function viewerFromHeader(
  header: string | undefined,
  verify: TokenVerifier,
): Promise<VerifiedToken | null> {
  if (header === undefined || header === "") return null;
  const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header.trim());
  if (!match?.[1]) throw unauthenticated("The Authorization header must be `Bearer <token>`.", 401);
  return verify(match[1]);
}
