import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Proof that a request to a subgraph comes from the router or a service:
 * an HMAC-SHA256, with the shared INTERNAL_SECRET, over a timestamp, the
 * method, the path with its query, and the exact body bytes.
 * Header: `x-retailer-signature: t=<unix seconds>,v1=<hex>`.
 */
export const SIGNATURE_HEADER = "x-retailer-signature";
const TOLERANCE_SECONDS = 300;

const mac = (secret: string, t: number, method: string, path: string, body: string | Buffer): string =>
  createHmac("sha256", secret).update(`${t}\n${method.toUpperCase()}\n${path}\n`).update(body).digest("hex");

export function signRequest(
  secret: string,
  request: { method: string; path: string; body: string | Buffer },
  now = Date.now(),
): string {
  const t = Math.floor(now / 1000);
  return `t=${t},v1=${mac(secret, t, request.method, request.path, request.body)}`;
}

export function verifyRequestSignature(
  secret: string,
  header: string | undefined,
  request: { method: string; path: string; body: string | Buffer },
  now = Date.now(),
): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(",").map((part) => part.trim().split("=", 2) as [string, string]));
  const t = Number(parts.t);
  const given = parts.v1;
  if (!Number.isInteger(t) || !given || !/^[0-9a-f]{64}$/.test(given)) return false;
  if (Math.abs(Math.floor(now / 1000) - t) > TOLERANCE_SECONDS) return false;
  const expected = mac(secret, t, request.method, request.path, request.body);
  return timingSafeEqual(Buffer.from(expected, "hex"), Buffer.from(given, "hex"));
}
