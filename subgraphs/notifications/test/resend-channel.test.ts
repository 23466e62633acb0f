import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeliveryError, ResendEmailChannel } from "../src/channels/index.js";
import { type FakeResend, startFakeResend } from "./fake-resend.js";
import { refusedUrl } from "./fake-server.js";

const message = (overrides: Partial<Parameters<ResendEmailChannel["send"]>[0]> = {}) => ({
  to: "ada@example.com",
  from: "Retailer <orders@shop.example>",
  subject: "Order R-000042 confirmed",
  text: "Thank you for your order.",
  html: "<p>Thank you for your order.</p>",
  idempotencyKey: `msg-${Math.random().toString(36).slice(2)}`,
  ...overrides,
});

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe("ResendEmailChannel (real SDK against a fake Resend)", () => {
  let fake: FakeResend;
  let channel: ResendEmailChannel;

  beforeAll(async () => {
    fake = await startFakeResend();
    channel = new ResendEmailChannel({ apiKey: fake.apiKey, baseUrl: fake.url });
  });
  afterAll(() => fake.close());

  it("sends and returns Resend's id, with the API key and the idempotency key", async () => {
    const sent = message();
    const { providerId } = await channel.send(sent);
    const email = fake.emails.at(-1);
    expect(providerId).toBe(email?.id);
    expect(email?.payload).toMatchObject({ to: sent.to, from: sent.from, subject: sent.subject, html: sent.html });
    expect(email?.payload.text).toBe(sent.text);
    const request = fake.requests.at(-1);
    expect(request?.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(request?.headers["idempotency-key"]).toBe(sent.idempotencyKey);
  });

  it("a retry with the same idempotency key creates no second email", async () => {
    const sent = message();
    const first = await channel.send(sent);
    const count = fake.emails.length;
    const second = await channel.send(sent);
    expect(second.providerId).toBe(first.providerId);
    expect(fake.emails.length).toBe(count);
  });

  it("422 validation_error is final", async () => {
    const error = await failure(channel.send(message({ to: "not an address" })));
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(422);
    expect(error.code).toBe("validation_error");
    expect(error.message).toContain("Invalid `to` field");
  });

  it("500 is retryable, JSON or not", async () => {
    fake.script(
      { status: 500, json: { statusCode: 500, name: "application_error", message: "Internal server error." } },
      { status: 502, text: "<html>Bad gateway</html>" },
    );
    const json = await failure(channel.send(message()));
    expect(json).toMatchObject({ retryable: true, status: 500, code: "application_error" });
    const html = await failure(channel.send(message()));
    expect(html).toMatchObject({ retryable: true, status: 502 });
  });

  it("429 rate_limit_exceeded is retryable", async () => {
    fake.script({ status: 429, json: { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests." } });
    const error = await failure(channel.send(message()));
    expect(error).toMatchObject({ retryable: true, status: 429 });
  });

  it("a wrong API key is final and the key is not in the message", async () => {
    const wrong = new ResendEmailChannel({ apiKey: "re_wrong_secret", baseUrl: fake.url });
    const error = await failure(wrong.send(message()));
    expect(error).toMatchObject({ retryable: false, status: 403, code: "invalid_api_key" });
    expect(error.message).not.toContain("re_wrong_secret");
  });

  it("connection refused is retryable", async () => {
    const down = new ResendEmailChannel({ apiKey: fake.apiKey, baseUrl: await refusedUrl() });
    const error = await failure(down.send(message()));
    expect(error).toMatchObject({ retryable: true, status: null });
  });

  it("no answer within the timeout is retryable", async () => {
    const impatient = new ResendEmailChannel({ apiKey: fake.apiKey, baseUrl: fake.url, timeoutMs: 100 });
    fake.script({ status: 200, json: { id: "late" }, delayMs: 1_000 });
    const error = await failure(impatient.send(message()));
    expect(error.retryable).toBe(true);
  });

  it("without a baseUrl option the SDK reads RESEND_BASE_URL", async () => {
    const before = process.env.RESEND_BASE_URL;
    process.env.RESEND_BASE_URL = fake.url;
    try {
      const fromEnv = new ResendEmailChannel({ apiKey: fake.apiKey });
      const { providerId } = await fromEnv.send(message());
      expect(providerId).toBe(fake.emails.at(-1)?.id);
    } finally {
      if (before === undefined) delete process.env.RESEND_BASE_URL;
      else process.env.RESEND_BASE_URL = before;
    }
  });
});
