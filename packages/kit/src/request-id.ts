import { randomUUID } from "node:crypto";

export const REQUEST_ID_HEADER = "x-request-id";
/** The client's address as the router saw it; trusted only on signed requests. */
export const CLIENT_IP_HEADER = "x-client-ip";

/** The router's request id when it sent a sane one, a new one otherwise. */
export function requestIdFrom(headers: Record<string, string | string[] | undefined>): string {
  const given = headers[REQUEST_ID_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  return value && /^[\w.:-]{1,128}$/.test(value) ? value : randomUUID();
}
