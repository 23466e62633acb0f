import {
  createTokenVerifier,
  remoteKeys,
  type TokenVerifier,
  unauthenticated,
  type VerifiedToken,
  type Viewer,
  viewerFromHeader,
} from "@retailer/kit";
import type { RouterConfig } from "./config.js";

/** A caller as the router knows it, over HTTP or graphql-ws. */
export interface Caller {
  viewer: Viewer | null;
  /** The `Authorization` value to forward to subgraphs; absent when anonymous. */
  authorization?: string;
  /** Seconds since the epoch; null when anonymous. */
  expiresAt: number | null;
}

export const ANONYMOUS: Caller = Object.freeze({ viewer: null, expiresAt: null });

/**
 * Verifies user tokens against the users service's JWKS (and service tokens
 * against INTERNAL_SECRET). A present but bad token is UNAUTHENTICATED, never
 * anonymous.
 */
export class Authenticator {
  readonly verify: TokenVerifier;

  constructor(config: Pick<RouterConfig, "USERS_JWKS_URL" | "JWT_ISSUER" | "JWT_AUDIENCE" | "INTERNAL_SECRET">) {
    this.verify = createTokenVerifier({
      keys: remoteKeys(config.USERS_JWKS_URL),
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      internalSecret: config.INTERNAL_SECRET,
    });
  }

  /** The caller of an `Authorization` header (or graphql-ws `connection_init` value). */
  async authenticate(header: unknown): Promise<Caller> {
    if (header !== undefined && header !== null && typeof header !== "string") {
      throw unauthenticated("The authorization must be a string `Bearer <token>`.", 401);
    }
    const token: VerifiedToken | null = await viewerFromHeader(header ?? undefined, this.verify);
    if (!token) return ANONYMOUS;
    return { viewer: token.viewer, authorization: (header as string).trim(), expiresAt: token.expiresAt };
  }
}

/** Whether a caller's token has expired by now. */
export const hasExpired = (caller: Caller, now = Date.now()): boolean =>
  caller.expiresAt !== null && caller.expiresAt * 1000 <= now;
