import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small local server that answers the part of Stripe's API the STRIPE
 * provider calls, as Stripe documents it: form-encoded bodies, Bearer auth,
 * Idempotency-Key replays, Stripe's error bodies. `mode` makes every request
 * answer a card decline, a 500, or nothing at all.
 */
export type FakeMode = "normal" | "decline" | "server_error" | "hang";

export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  params: Record<string, string>;
}

export interface FakeIntent {
  id: string;
  object: "payment_intent";
  amount: number;
  amount_received: number;
  currency: string;
  status: string;
  client_secret: string;
  metadata: Record<string, string>;
  receipt_email: string | null;
  automatic_payment_methods: { enabled: boolean } | null;
  cancellation_reason: string | null;
  canceled_at: number | null;
  last_payment_error: { type: string; code: string; message: string } | null;
  latest_charge: string | null;
  created: number;
  livemode: false;
  /** Not Stripe's: what was refunded so far (Stripe keeps it on the charge). */
  amount_refunded: number;
}

interface StripeErrorBody {
  type: string;
  code?: string;
  message: string;
  param?: string;
  decline_code?: string;
  payment_intent?: FakeIntent;
}

interface Reply {
  status: number;
  body: unknown;
  /** Answered from an earlier request with the same Idempotency-Key. */
  replayed?: boolean;
}

export interface FakeStripe {
  readonly host: string;
  readonly port: number;
  readonly secretKey: string;
  mode: FakeMode;
  readonly requests: RecordedRequest[];
  readonly intents: Map<string, FakeIntent>;
  /** Moves a PaymentIntent as Stripe would once the customer pays (or fails). */
  setIntentStatus(id: string, status: "succeeded" | "processing" | "requires_action" | "requires_capture"): void;
  close(): Promise<void>;
}

const stripeId = (prefix: string): string => `${prefix}_${randomBytes(12).toString("hex")}`;
const now = (): number => Math.floor(Date.now() / 1000);
const error = (status: number, body: StripeErrorBody): Reply => ({ status, body: { error: body } });

const refundReasons = new Set(["duplicate", "fraudulent", "requested_by_customer"]);
const cancellable = new Set([
  "requires_payment_method",
  "requires_capture",
  "requires_confirmation",
  "requires_action",
  "processing",
]);

export async function startFakeStripe(secretKey = "sk_test_fake_key_for_tests"): Promise<FakeStripe> {
  const intents = new Map<string, FakeIntent>();
  const requests: RecordedRequest[] = [];
  const replays = new Map<string, { request: string; reply: Reply }>();

  const missing = (id: string): Reply =>
    error(404, {
      type: "invalid_request_error",
      code: "resource_missing",
      param: "intent",
      message: `No such payment_intent: '${id}'`,
    });

  const unknownParam = (params: Record<string, string>, allowed: (key: string) => boolean): Reply | null => {
    const unknown = Object.keys(params).find((key) => !allowed(key));
    return unknown === undefined
      ? null
      : error(400, {
          type: "invalid_request_error",
          code: "parameter_unknown",
          param: unknown,
          message: `Received unknown parameter: ${unknown}`,
        });
  };

  const integerParam = (params: Record<string, string>, name: string): number | Reply => {
    const raw = params[name];
    if (raw === undefined) {
      return error(400, {
        type: "invalid_request_error",
        code: "parameter_missing",
        param: name,
        message: `Missing required param: ${name}.`,
      });
    }
    if (!/^\d+$/.test(raw)) {
      return error(400, {
        type: "invalid_request_error",
        code: "parameter_invalid_integer",
        param: name,
        message: `Invalid integer: ${raw}`,
      });
    }
    return Number(raw);
  };

  const createIntent = (params: Record<string, string>): Reply => {
    const allowed = (k: string) =>
      ["amount", "currency", "receipt_email", "automatic_payment_methods[enabled]", "description"].includes(k) ||
      /^metadata\[[^\]]+\]$/.test(k);
    const bad = unknownParam(params, allowed);
    if (bad) return bad;
    const amount = integerParam(params, "amount");
    if (typeof amount !== "number") return amount;
    if (amount < 50) {
      return error(400, {
        type: "invalid_request_error",
        code: "amount_too_small",
        param: "amount",
        message: "Amount must be at least 50 cents.",
      });
    }
    const currency = params.currency;
    if (!currency) {
      return error(400, {
        type: "invalid_request_error",
        code: "parameter_missing",
        param: "currency",
        message: "Missing required param: currency.",
      });
    }
    const id = stripeId("pi");
    const metadata = metadataOf(params);
    const intent: FakeIntent = {
      id,
      object: "payment_intent",
      amount,
      amount_received: 0,
      currency: currency.toLowerCase(),
      status: "requires_payment_method",
      client_secret: `${id}_secret_${randomBytes(12).toString("hex")}`,
      metadata,
      receipt_email: params.receipt_email ?? null,
      automatic_payment_methods: params["automatic_payment_methods[enabled]"] === "true" ? { enabled: true } : null,
      cancellation_reason: null,
      canceled_at: null,
      last_payment_error: null,
      latest_charge: null,
      created: now(),
      livemode: false,
      amount_refunded: 0,
    };
    intents.set(id, intent);
    return { status: 200, body: intent };
  };

  const cancelIntent = (id: string, params: Record<string, string>): Reply => {
    const bad = unknownParam(params, (k) => k === "cancellation_reason");
    if (bad) return bad;
    const intent = intents.get(id);
    if (!intent) return missing(id);
    if (!cancellable.has(intent.status)) {
      return error(400, {
        type: "invalid_request_error",
        code: "payment_intent_unexpected_state",
        message: `You cannot cancel this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${[...cancellable].join(", ")}.`,
        payment_intent: { ...intent },
      });
    }
    intent.status = "canceled";
    intent.canceled_at = now();
    intent.cancellation_reason = params.cancellation_reason ?? null;
    return { status: 200, body: intent };
  };

  const createRefund = (params: Record<string, string>): Reply => {
    const bad = unknownParam(
      params,
      (k) => ["payment_intent", "amount", "reason"].includes(k) || k.startsWith("metadata["),
    );
    if (bad) return bad;
    const id = params.payment_intent ?? "";
    const intent = intents.get(id);
    if (!intent) {
      return error(404, {
        type: "invalid_request_error",
        code: "resource_missing",
        param: "payment_intent",
        message: `No such payment_intent: '${id}'`,
      });
    }
    if (intent.status !== "succeeded") {
      return error(400, {
        type: "invalid_request_error",
        code: "payment_intent_unexpected_state",
        message: `This PaymentIntent (${id}) does not have a successful charge to refund.`,
      });
    }
    const remaining = intent.amount_received - intent.amount_refunded;
    if (remaining === 0) {
      return error(400, {
        type: "invalid_request_error",
        code: "charge_already_refunded",
        message: `Charge ${intent.latest_charge} has already been refunded.`,
      });
    }
    const amount = params.amount === undefined ? remaining : integerParam(params, "amount");
    if (typeof amount !== "number") return amount;
    if (amount > remaining) {
      return error(400, {
        type: "invalid_request_error",
        code: "amount_too_large",
        param: "amount",
        message: `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
      });
    }
    if (params.reason !== undefined && !refundReasons.has(params.reason)) {
      return error(400, {
        type: "invalid_request_error",
        code: "parameter_invalid_string",
        param: "reason",
        message: `Invalid reason: must be one of ${[...refundReasons].join(", ")}`,
      });
    }
    intent.amount_refunded += amount;
    const metadata = metadataOf(params);
    const refund = {
      id: stripeId("re"),
      object: "refund",
      amount,
      charge: intent.latest_charge,
      currency: intent.currency,
      payment_intent: intent.id,
      reason: params.reason ?? null,
      metadata,
      status: "succeeded",
      created: now(),
    };
    return { status: 200, body: refund };
  };

  const route = (method: string, path: string, params: Record<string, string>): Reply => {
    const intentPath = /^\/v1\/payment_intents\/([^/]+)(\/cancel)?$/.exec(path);
    if (method === "POST" && path === "/v1/payment_intents") return createIntent(params);
    if (method === "GET" && intentPath?.[1] && !intentPath[2]) {
      const intent = intents.get(intentPath[1]);
      return intent ? { status: 200, body: intent } : missing(intentPath[1]);
    }
    if (method === "POST" && intentPath?.[1] && intentPath[2]) return cancelIntent(intentPath[1], params);
    if (method === "POST" && path === "/v1/refunds") return createRefund(params);
    return error(404, { type: "invalid_request_error", message: `Unrecognized request URL (${method}: ${path}).` });
  };

  /** Stripe replays the first reply to a key, and refuses the key with other parameters. */
  const idempotent = (key: string | null, method: string, path: string, params: Record<string, string>): Reply => {
    if (method !== "POST" || key === null) return route(method, path, params);
    const request = JSON.stringify([path, Object.entries(params).sort(([a], [b]) => a.localeCompare(b))]);
    const previous = replays.get(key);
    if (previous) {
      if (previous.request === request) return { ...previous.reply, replayed: true };
      return error(400, {
        type: "idempotency_error",
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      });
    }
    const reply = route(method, path, params);
    replays.set(key, { request, reply: { status: reply.status, body: structuredClone(reply.body) } });
    return reply;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://fake");
    const method = req.method ?? "GET";
    const params = Object.fromEntries(new URLSearchParams(method === "GET" ? url.search : body));
    const idempotencyKey = header(req, "idempotency-key");
    requests.push({ method, path: url.pathname, idempotencyKey, params });

    if (fake.mode === "hang") return; // never answers: the client's timeout must fire
    const reply = answer(req, method, url.pathname, params, idempotencyKey);
    res.writeHead(reply.status, {
      "content-type": "application/json",
      "request-id": stripeId("req"),
      ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
      ...(reply.replayed ? { "idempotent-replayed": "true" } : {}),
    });
    res.end(JSON.stringify(reply.body));
  };

  const answer = (
    req: IncomingMessage,
    method: string,
    path: string,
    params: Record<string, string>,
    idempotencyKey: string | null,
  ): Reply => {
    if (header(req, "authorization") !== `Bearer ${secretKey}`) {
      const given = (header(req, "authorization") ?? "").replace(/^Bearer /, "");
      return error(401, {
        type: "invalid_request_error",
        message: `Invalid API Key provided: ${given.slice(0, 8)}${"*".repeat(Math.max(0, given.length - 12))}${given.slice(-4)}`,
      });
    }
    if (fake.mode === "server_error") return error(500, { type: "api_error", message: "An unknown error occurred" });
    if (fake.mode === "decline") {
      return error(402, {
        type: "card_error",
        code: "card_declined",
        decline_code: "generic_decline",
        message: "Your card was declined.",
        param: "payment_method",
      });
    }
    return idempotent(idempotencyKey, method, path, params);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((cause: unknown) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { type: "api_error", message: String(cause) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeStripe = {
    host: "127.0.0.1",
    port,
    secretKey,
    mode: "normal",
    requests,
    intents,
    setIntentStatus(id, status) {
      const intent = intents.get(id);
      if (!intent) throw new Error(`no intent ${id}`);
      intent.status = status;
      if (status === "succeeded") {
        intent.amount_received = intent.amount;
        intent.latest_charge = stripeId("ch");
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
  return fake;
}

/** Stripe's form encoding of a hash: metadata[order_id]=... */
function metadataOf(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params)
      .filter(([key]) => /^metadata\[[^\]]+\]$/.test(key))
      .map(([key, value]) => [key.slice("metadata[".length, -1), value]),
  );
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === "string" ? value : null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
