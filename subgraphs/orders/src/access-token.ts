import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * A guest's order access token: an HMAC of the order id with the service's
 * secret. Nothing is stored, a repeated checkout answers the same token, and
 * it proves possession of exactly one order.
 */
export const orderAccessToken = (secret: string, orderId: string): string =>
  createHmac("sha256", secret).update(`order-access:${orderId}`).digest("base64url");

export function verifyOrderAccessToken(secret: string, orderId: string, token: string | null | undefined): boolean {
  if (!token) return false;
  const expected = Buffer.from(orderAccessToken(secret, orderId));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
