/**
 * S4's subscribers, in a process of their own (forked by the scenario, driven
 * over IPC) so that thousands of sockets do not share an event loop with the
 * harness that commits the changes:
 * - "router": one graphql-ws client (package graphql-ws over ws) per
 *   subscriber, each on its own socket, subscribing to orderUpdated through
 *   the router as a guest with its order access token;
 * - "bare": one plain ws socket per subscriber to the reference broadcast server.
 * Sockets are spread over many loopback source addresses (127.1.x.y), 25 per
 * address, as many real clients would be: the router's per-address cap
 * (WS_MAX_CONNECTIONS_PER_CLIENT, default 50) then applies as in production.
 * Every received event is kept as [subscriber, seq, receivedAt] where seq
 * comes from the trackingNumber the harness wrote (T<seq>) and receivedAt is
 * epoch milliseconds (performance.timeOrigin + performance.now(), the clock
 * the harness uses too).
 */
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { TRACK_ORDER } from "./queries.js";

export interface Subscriber {
  orderId: string;
  token: string;
}

export type ClientCommand =
  | { type: "connect"; mode: "router" | "bare"; url: string; subscribers: Subscriber[]; concurrency: number }
  | { type: "reset" }
  | { type: "count" }
  | { type: "report" }
  | { type: "close" };

export type ClientReply =
  | { type: "connected"; ok: number; failed: number; ms: number; firstError?: string }
  | { type: "count"; n: number; errors: number }
  | { type: "report"; receipts: [number, number, number][]; errors: number; completed: number; firstError?: string }
  | { type: "closed" };

const now = () => performance.timeOrigin + performance.now();
const PER_ADDRESS = 25;
const addressOf = (i: number) => {
  const n = Math.floor(i / PER_ADDRESS);
  return `127.1.${Math.floor(n / 250)}.${(n % 250) + 1}`;
};

let receipts: [number, number, number][] = [];
let errors = 0;
let completed = 0;
let firstError: string | undefined;
const graphqlClients: Client[] = [];
const sockets: WebSocket[] = [];

const seqOf = (tracking: unknown): number => {
  const match = typeof tracking === "string" ? /^T(\d+)$/.exec(tracking) : null;
  return match ? Number(match[1]) : -1;
};

function socketClass(localAddress: string): typeof WebSocket {
  return class extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { localAddress });
    }
  } as typeof WebSocket;
}

function connectRouter(url: string, subscriber: Subscriber, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = createClient({
      url,
      webSocketImpl: socketClass(addressOf(index)),
      lazy: false,
      retryAttempts: 0,
      on: {
        connected: () => resolve(),
        closed: (event) => reject(new Error(`closed ${(event as { code?: number }).code ?? ""}`)),
        error: (error) => reject(error instanceof Error ? error : new Error(String(error))),
      },
    });
    graphqlClients.push(client);
    client.subscribe(
      { query: TRACK_ORDER, variables: { id: subscriber.orderId, token: subscriber.token } },
      {
        next: (value) => {
          const data = value.data as { orderUpdated?: { trackingNumber?: string } } | undefined;
          if (value.errors?.length) {
            errors += 1;
            firstError ??= JSON.stringify(value.errors[0]);
          }
          if (data?.orderUpdated) receipts.push([index, seqOf(data.orderUpdated.trackingNumber), now()]);
        },
        error: (error) => {
          errors += 1;
          firstError ??= JSON.stringify(error);
        },
        complete: () => {
          completed += 1;
        },
      },
    );
  });
}

function connectBare(url: string, subscriber: Subscriber, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { localAddress: addressOf(index) });
    sockets.push(socket);
    let subscribed = false;
    socket.on("open", () => socket.send(JSON.stringify({ subscribe: subscriber.orderId })));
    socket.on("message", (raw) => {
      const message = JSON.parse(String(raw)) as {
        ok?: boolean;
        data?: { orderUpdated?: { trackingNumber?: string } };
      };
      if (message.ok && !subscribed) {
        subscribed = true;
        resolve();
        return;
      }
      if (message.data?.orderUpdated) receipts.push([index, seqOf(message.data.orderUpdated.trackingNumber), now()]);
    });
    socket.on("error", (error) => {
      errors += 1;
      firstError ??= String(error);
      reject(error);
    });
  });
}

async function connectAll(command: Extract<ClientCommand, { type: "connect" }>): Promise<ClientReply> {
  const started = performance.now();
  let ok = 0;
  let failed = 0;
  let next = 0;
  let error: string | undefined;
  const worker = async () => {
    while (next < command.subscribers.length) {
      const index = next;
      next += 1;
      const subscriber = command.subscribers[index] as Subscriber;
      try {
        await (command.mode === "router" ? connectRouter : connectBare)(command.url, subscriber, index);
        ok += 1;
      } catch (e) {
        failed += 1;
        error ??= String((e as Error).message ?? e);
      }
    }
  };
  await Promise.all(Array.from({ length: command.concurrency }, worker));
  return { type: "connected", ok, failed, ms: performance.now() - started, ...(error ? { firstError: error } : {}) };
}

process.on("message", (command: ClientCommand) => {
  const reply = (message: ClientReply) => process.send?.(message);
  if (command.type === "connect") {
    void connectAll(command).then(reply);
  } else if (command.type === "reset") {
    receipts = [];
    errors = 0;
    completed = 0;
    firstError = undefined;
  } else if (command.type === "count") {
    reply({ type: "count", n: receipts.length, errors });
  } else if (command.type === "report") {
    reply({ type: "report", receipts, errors, completed, ...(firstError ? { firstError } : {}) });
  } else if (command.type === "close") {
    for (const socket of sockets) socket.terminate();
    void Promise.allSettled(graphqlClients.map((c) => c.dispose())).then(() => {
      reply({ type: "closed" });
      setTimeout(() => process.exit(0), 50);
    });
  }
});
// The harness went away: so do we.
process.on("disconnect", () => process.exit(0));
