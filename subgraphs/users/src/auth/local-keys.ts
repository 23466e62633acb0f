import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";

/**
 * The users service verifies its own tokens from the keys it holds: the
 * JWKS is read once and read again when a token names an unknown key.
 */
export function localKeys(load: () => Promise<JSONWebKeySet>): JWTVerifyGetKey {
  let current: { set: JWTVerifyGetKey; kids: Set<string> } | undefined;
  const refresh = async () => {
    const jwks = await load();
    current = { set: createLocalJWKSet(jwks), kids: new Set(jwks.keys.map((k) => String(k.kid))) };
    return current;
  };
  return async (header, token) => {
    const keys = current && header.kid && current.kids.has(header.kid) ? current : await refresh();
    return keys.set(header, token);
  };
}
