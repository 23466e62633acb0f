import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An answer: JSON (`json`) or raw text (`text`), optionally after a delay. */
export interface Reply {
  status: number;
  json?: unknown;
  text?: string;
  delayMs?: number;
}

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  /** Answer the next requests (that pass authentication) with these replies, in order. */
  script(...replies: Reply[]): void;
  close(): Promise<void>;
}

export type Handler = (request: RecordedRequest, scripted: () => Reply | undefined) => Reply;

/** A node:http server on 127.0.0.1, a free port, recording every request. */
export async function startFakeServer(handle: Handler): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const queue: Reply[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = {
      method: req.method ?? "",
      path: req.url ?? "",
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    };
    requests.push(request);
    const reply = handle(request, () => queue.shift());
    const write = () => {
      if (res.destroyed) return;
      const isJson = reply.json !== undefined;
      res.writeHead(reply.status, { "content-type": isJson ? "application/json" : "text/plain" });
      res.end(isJson ? JSON.stringify(reply.json) : (reply.text ?? ""));
    };
    if (reply.delayMs) setTimeout(write, reply.delayMs);
    else write();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...replies) => queue.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL nobody listens on: a port that was free a moment ago. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
