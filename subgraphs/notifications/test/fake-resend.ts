import { randomUUID } from "node:crypto";
import { type FakeServer, type Reply, startFakeServer } from "./fake-server.js";

/**
 * Resend's POST /emails as documented: Bearer API key, JSON body, 200 `{ id }`,
 * errors as `{ statusCode, name, message }`, and Idempotency-Key replay (the
 * same key and body answer the first response again; another body is a 409).
 */
export interface FakeResend extends FakeServer {
  apiKey: string;
  /** Emails actually created (replays not counted). */
  emails: { id: string; payload: Record<string, unknown> }[];
}

const error = (statusCode: number, name: string, message: string): Reply => ({
  status: statusCode,
  json: { statusCode, name, message },
});

const emailPattern = /^(?:[^<>]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/;

export async function startFakeResend(apiKey = "re_test_0123456789"): Promise<FakeResend> {
  const emails: FakeResend["emails"] = [];
  const idempotent = new Map<string, { body: string; reply: Reply }>();

  const create = (body: string): Reply => {
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return error(422, "validation_error", "Invalid JSON body.");
    }
    for (const field of ["from", "to", "subject"]) {
      if (!payload[field]) return error(422, "validation_error", `Missing \`${field}\` field.`);
    }
    const to = Array.isArray(payload.to) ? payload.to : [payload.to];
    if (!to.every((address) => typeof address === "string" && emailPattern.test(address))) {
      return error(
        422,
        "validation_error",
        "Invalid `to` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.",
      );
    }
    const id = randomUUID();
    emails.push({ id, payload });
    return { status: 200, json: { id } };
  };

  const server = await startFakeServer((request, scripted) => {
    if (request.method !== "POST" || request.path !== "/emails") {
      return error(404, "not_found", "The requested endpoint does not exist.");
    }
    const authorization = request.headers.authorization;
    if (!authorization) return error(401, "missing_api_key", "Missing API key in the authorization header.");
    if (authorization !== `Bearer ${apiKey}`) return error(403, "invalid_api_key", "API key is invalid.");
    const reply = scripted();
    if (reply) return reply;
    const key = request.headers["idempotency-key"];
    if (typeof key !== "string") return create(request.body);
    const seen = idempotent.get(key);
    if (seen) {
      return seen.body === request.body
        ? seen.reply
        : error(409, "invalid_idempotent_request", "Same idempotency key used with a different request payload.");
    }
    const created = create(request.body);
    idempotent.set(key, { body: request.body, reply: created });
    return created;
  });
  return Object.assign(server, { apiKey, emails });
}
