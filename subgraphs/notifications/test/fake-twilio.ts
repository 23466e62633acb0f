import { randomBytes } from "node:crypto";
import { type FakeServer, type Reply, startFakeServer } from "./fake-server.js";

/**
 * Twilio's POST /2010-04-01/Accounts/{AccountSid}/Messages.json as documented:
 * basic auth AccountSid:AuthToken, form-encoded To/From/Body, 201 with the
 * message resource (`sid` SM...), errors as `{ code, message, more_info, status }`.
 */
export interface FakeTwilio extends FakeServer {
  accountSid: string;
  authToken: string;
  messages: { sid: string; to: string; from: string; body: string }[];
}

const error = (status: number, code: number, message: string): Reply => ({
  status,
  json: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
});

const e164 = /^\+[1-9]\d{6,14}$/;

export async function startFakeTwilio(
  accountSid = `AC${"0".repeat(32)}`,
  authToken = "twilio-secret-token",
): Promise<FakeTwilio> {
  const messages: FakeTwilio["messages"] = [];
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;

  const server = await startFakeServer((request, scripted) => {
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(request.path);
    if (request.method !== "POST" || !match) return error(404, 20404, "The requested resource was not found");
    if (request.headers.authorization !== expectedAuth || match[1] !== accountSid) {
      return error(401, 20003, "Authenticate");
    }
    const reply = scripted();
    if (reply) return reply;
    if (!request.headers["content-type"]?.startsWith("application/x-www-form-urlencoded")) {
      return error(400, 20001, "Unsupported content type");
    }
    const form = new URLSearchParams(request.body);
    const to = form.get("To");
    const from = form.get("From") ?? form.get("MessagingServiceSid");
    const body = form.get("Body");
    if (!to) return error(400, 21604, "A 'To' phone number is required.");
    if (!e164.test(to)) return error(400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if (!from) return error(400, 21603, "A 'From' phone number is required.");
    if (!body) return error(400, 21602, "Message body is required.");
    const sid = `SM${randomBytes(16).toString("hex")}`;
    messages.push({ sid, to, from, body });
    return {
      status: 201,
      json: { sid, account_sid: accountSid, to, from, body, status: "queued", num_segments: "1", error_code: null },
    };
  });
  return Object.assign(server, { accountSid, authToken, messages });
}
