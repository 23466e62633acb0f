import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, type Logger } from "../src/logger.js";
import { createMetrics } from "../src/metrics.js";
import { type RequestInfo, type RunningServer, startGraphQLServer } from "../src/server.js";

const lines: Record<string, unknown>[] = [];
const destination = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});

let server: RunningServer;

beforeAll(async () => {
  const log = createLogger("catalog", "info", { production: false, destination });
  server = await startGraphQLServer<{ log: Logger }>({
    name: "catalog",
    host: "127.0.0.1",
    port: 0,
    log,
    metrics: createMetrics("catalog"),
    production: false,
    graceMs: 100,
    ready: async () => true,
    apollo: {
      typeDefs: "type Query { hello: String, boom: String }",
      resolvers: {
        Query: {
          hello: (_: unknown, __: unknown, ctx: { log: Logger }) => {
            ctx.log.info({ email: "grace@example.com" }, "resolving hello");
            return "world";
          },
          boom: () => {
            throw new Error("exploded for ada@example.org");
          },
        },
      },
    },
    context: async (request: RequestInfo) => ({ log: request.log }),
  });
});
afterAll(() => server?.stop());

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

async function post(body: Record<string, unknown>, requestId: string) {
  const response = await fetch(server.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-request-id": requestId,
      traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`,
    },
    body: JSON.stringify(body),
  });
  await response.json();
  // The access line is written as the response is sent.
  await new Promise((resolve) => setTimeout(resolve, 20));
  return lines.filter((line) => line.requestId === requestId);
}

describe("request logs", () => {
  it("writes one access line per operation, and every line of the request carries its ids and operation", async () => {
    const own = await post({ query: "query Hello { hello }", operationName: "Hello" }, "req-hello");
    const resolver = own.find((line) => line.msg === "resolving hello");
    expect(resolver).toMatchObject({
      service: "catalog",
      requestId: "req-hello",
      traceId: TRACE_ID,
      operationName: "Hello",
      email: "g***@example.com",
    });
    const access = own.filter((line) => line.msg === "graphql operation");
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      level: 30,
      service: "catalog",
      operationName: "Hello",
      operationType: "query",
      requestId: "req-hello",
      traceId: TRACE_ID,
    });
    expect(typeof access[0]?.durationMs).toBe("number");
    expect(access[0]).not.toHaveProperty("errorCodes");
  });

  it("names an operation sent without operationName, and lists the error codes of a failed one", async () => {
    const anonymous = await post({ query: "query Greeting { hello }" }, "req-anon");
    expect(anonymous.find((line) => line.msg === "graphql operation")).toMatchObject({ operationName: "Greeting" });

    const failed = await post({ query: "query Boom { boom }" }, "req-boom");
    // The unexpected error is logged with the request's ids (and the address in it masked)...
    const unexpected = failed.find((line) => line.msg === "unexpected error") as { err: { message: string } };
    expect(unexpected).toMatchObject({ level: 50, traceId: TRACE_ID, operationName: "Boom" });
    expect(unexpected.err.message).toBe("exploded for a***@example.org");
    // ...and the access line names its code.
    expect(failed.find((line) => line.msg === "graphql operation")).toMatchObject({
      operationName: "Boom",
      operationType: "query",
      errorCodes: ["INTERNAL_SERVER_ERROR"],
    });

    const invalid = await post({ query: "query Bad { nope }" }, "req-bad");
    expect(invalid.find((line) => line.msg === "graphql operation")).toMatchObject({
      operationName: "Bad",
      operationType: "query",
      errorCodes: ["GRAPHQL_VALIDATION_FAILED"],
    });
  });

  it("writes no access line for probes", async () => {
    const before = lines.length;
    await fetch(new URL("/health", server.url));
    await fetch(new URL("/metrics", server.url));
    expect(lines.slice(before).filter((line) => line.msg === "graphql operation")).toEqual([]);
  });
});
