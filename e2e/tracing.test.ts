import { randomBytes } from "node:crypto";
import { startTelemetry, type Telemetry } from "@retailer/kit";
import { notifications } from "@retailer/notifications";
import { type Stack, startStack } from "@retailer/testing";
import { users } from "@retailer/users";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** What the tests read of a finished span (the SDK's ReadableSpan). */
interface FinishedSpan {
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  spanContext(): { traceId: string; spanId: string };
  parentSpanContext?: { spanId: string } | undefined;
}

const SPAN_KIND = { INTERNAL: 0, SERVER: 1, CLIENT: 2, PRODUCER: 3, CONSUMER: 4 } as const;

/** An in-memory span exporter: kit's startTelemetry takes any SpanExporter. */
const finished: FinishedSpan[] = [];
const exporter = {
  export(spans: FinishedSpan[], done: (result: { code: number }) => void) {
    finished.push(...spans);
    done({ code: 0 });
  },
  async shutdown() {},
  async forceFlush() {},
};

let telemetry: Telemetry;
let stack: Stack;

beforeAll(async () => {
  // As runMain does in each process, before the services start; here one SDK serves the whole in-process stack.
  telemetry = await startTelemetry("retailer-test", { spanExporter: exporter as never });
  stack = await startStack([users, notifications]);
});
afterAll(async () => {
  await stack?.stop();
  await telemetry?.shutdown();
});

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const idOf = (span: FinishedSpan) => span.spanContext().spanId;
const parentOf = (span: FinishedSpan) => span.parentSpanContext?.spanId;
const inTrace = (traceId: string) => finished.filter((span) => span.spanContext().traceId === traceId);

/** Spans end as their work ends, some after the response: wait until `ready` holds. */
async function waitFor<T>(what: string, read: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** POSTs to the router as a traced client would: its own traceparent. */
async function tracedQuery(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
  const traceId = hex(16);
  const clientSpanId = hex(8);
  const response = await fetch(stack.router.url, {
    method: "POST",
    headers: { "content-type": "application/json", traceparent: `00-${traceId}-${clientSpanId}-01`, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  return { traceId, clientSpanId, body, requestId: response.headers.get("x-request-id") };
}

describe("tracing across the router, subgraphs and events", () => {
  it("makes one trace of a request through the router to two subgraphs, the router's spans parents of theirs", async () => {
    const session = await stack.signUp("Trace Reader");
    const { traceId, clientSpanId, body } = await tracedQuery(
      "query Me { me { email notificationPreferences { email sms } } }",
      {},
      session.headers,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.me).toMatchObject({ email: session.email, notificationPreferences: { email: true } });

    const spans = await waitFor("the subgraphs' operation spans", () => {
      const found = inTrace(traceId);
      const operations = found.filter((span) => span.attributes["retailer.service"] !== "router");
      const names = new Set(operations.map((span) => span.attributes["retailer.service"]));
      return names.has("users") && names.has("notifications") && found.some((s) => s.name === "query Me")
        ? found
        : undefined;
    });

    // The router: its HTTP server span continues the client's trace, its operation span is named after the operation.
    const routerHttp = spans.find((span) => span.kind === SPAN_KIND.SERVER && parentOf(span) === clientSpanId);
    expect(routerHttp, "router HTTP span, child of the client's").toBeDefined();
    const routerOperation = spans.find((span) => span.name === "query Me");
    expect(routerOperation?.attributes).toMatchObject({
      "retailer.service": "router",
      "graphql.operation.type": "query",
      "graphql.operation.name": "Me",
    });
    expect(parentOf(routerOperation as FinishedSpan)).toBe(idOf(routerHttp as FinishedSpan));

    for (const subgraph of ["users", "notifications"]) {
      // The router's fetch of the subgraph, under the router's operation...
      const fetch = spans.find((span) => span.name === `subgraph ${subgraph}`);
      expect(fetch?.kind, `router's fetch span for ${subgraph}`).toBe(SPAN_KIND.CLIENT);
      expect(ancestors(spans, fetch as FinishedSpan)).toContain(idOf(routerOperation as FinishedSpan));
      // ...is the parent of the subgraph's HTTP server span, itself parent of its operation span.
      const serverSpans = spans.filter((span) => span.kind === SPAN_KIND.SERVER && parentOf(span) === idOf(fetch!));
      expect(serverSpans, `${subgraph}'s HTTP span under the router's fetch`).toHaveLength(1);
      const operation = spans.find((span) => span.attributes["retailer.service"] === subgraph);
      expect(parentOf(operation as FinishedSpan)).toBe(idOf(serverSpans[0] as FinishedSpan));
      expect(operation?.name).toMatch(/^query /);
    }

    // SQL statements of the request are in the trace, under a subgraph's operation.
    const usersOperation = spans.find((span) => span.attributes["retailer.service"] === "users") as FinishedSpan;
    const sql = spans.filter(isSql);
    expect(sql.length).toBeGreaterThan(0);
    expect(sql.some((span) => ancestors(spans, span).includes(idOf(usersOperation)))).toBe(true);
  });

  it("continues the publishing request's trace in the event handler", async () => {
    const email = `traced-${hex(3)}@retailer.test`;
    const { traceId, body, requestId } = await tracedQuery(
      "mutation SignUp($input: SignUpInput!) { signUp(input: $input) { user { id } userErrors { code } } }",
      { input: { email, password: "password-123", name: "Traced" } },
    );
    expect(body.errors).toBeUndefined();
    expect(requestId).toBeTruthy();

    // users publishes user.registered inside the sign-up: a producer span in the request's trace...
    const publish = await waitFor("the publish span", () =>
      inTrace(traceId).find((span) => span.name === "create user.registered"),
    );
    expect(publish.kind).toBe(SPAN_KIND.PRODUCER);
    const usersOperation = inTrace(traceId).find((span) => span.attributes["retailer.service"] === "users");
    expect(ancestors(inTrace(traceId), publish)).toContain(idOf(usersOperation as FinishedSpan));

    // ...and notifications handles it in a consumer span, the publish span's child, same trace.
    const handled = await waitFor("the handler's span", () =>
      inTrace(traceId).find((span) => span.name === "process user.registered"),
    );
    expect(handled.kind).toBe(SPAN_KIND.CONSUMER);
    expect(parentOf(handled)).toBe(idOf(publish));
    expect(handled.attributes).toMatchObject({
      "messaging.destination.name": "user.registered",
      "messaging.consumer.group.name": "notifications.user.registered",
    });
    // The handler's own SQL is in the trace too.
    await waitFor("the handler's SQL", () =>
      inTrace(traceId).find((span) => isSql(span) && ancestors(inTrace(traceId), span).includes(idOf(handled))),
    );
  });
});

/** A pg instrumentation span (old or new semantic conventions). */
const isSql = (span: FinishedSpan) =>
  span.attributes["db.system.name"] === "postgresql" || span.attributes["db.system"] === "postgresql";

/** Span ids from `span`'s parent up to the root (of the spans exported so far). */
function ancestors(spans: FinishedSpan[], span: FinishedSpan): string[] {
  const byId = new Map(spans.map((s) => [idOf(s), s]));
  const chain: string[] = [];
  let parent = parentOf(span);
  while (parent && !chain.includes(parent)) {
    chain.push(parent);
    parent = byId.get(parent) ? parentOf(byId.get(parent) as FinishedSpan) : undefined;
  }
  return chain;
}
