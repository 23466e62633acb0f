import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeliveryError, TwilioSmsChannel } from "../src/channels/index.js";
import { refusedUrl } from "./fake-server.js";
import { type FakeTwilio, startFakeTwilio } from "./fake-twilio.js";

const sms = (to = "+15551234567") => ({ to, body: "Retailer: order R-000042 shipped", idempotencyKey: "msg-1" });

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe("TwilioSmsChannel against a fake Twilio", () => {
  let fake: FakeTwilio;
  let channel: TwilioSmsChannel;
  const from = "+15550001111";

  beforeAll(async () => {
    fake = await startFakeTwilio();
    channel = new TwilioSmsChannel({ accountSid: fake.accountSid, authToken: fake.authToken, from, baseUrl: fake.url });
  });
  afterAll(() => fake.close());

  it("posts To/From/Body form-encoded with basic auth and returns the sid", async () => {
    const { providerId } = await channel.send(sms());
    expect(providerId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(fake.messages.at(-1)).toEqual({ sid: providerId, to: "+15551234567", from, body: sms().body });
    const request = fake.requests.at(-1);
    expect(request?.path).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Messages.json`);
    expect(request?.headers["content-type"]).toContain("application/x-www-form-urlencoded");
  });

  it("sends a Messaging Service SID as MessagingServiceSid", async () => {
    const service = new TwilioSmsChannel({
      accountSid: fake.accountSid,
      authToken: fake.authToken,
      from: "MG0123",
      baseUrl: fake.url,
    });
    await service.send(sms());
    expect(new URLSearchParams(fake.requests.at(-1)?.body).get("MessagingServiceSid")).toBe("MG0123");
  });

  it("400 (invalid number) is final, with Twilio's code", async () => {
    const error = await failure(channel.send(sms("555-CALL-ME")));
    expect(error).toMatchObject({ retryable: false, status: 400, code: "21211" });
    expect(error.message).toContain("Invalid 'To' Phone Number");
  });

  it("401 is final and the auth token is not in the message", async () => {
    const wrong = new TwilioSmsChannel({
      accountSid: fake.accountSid,
      authToken: "nope-secret",
      from,
      baseUrl: fake.url,
    });
    const error = await failure(wrong.send(sms()));
    expect(error).toMatchObject({ retryable: false, status: 401, code: "20003" });
    expect(error.message).not.toContain("nope-secret");
  });

  it("429 and 500 are retryable", async () => {
    fake.script(
      { status: 429, json: { code: 20429, message: "Too Many Requests", status: 429 } },
      { status: 500, json: { code: 20500, message: "Internal Server Error", status: 500 } },
    );
    expect(await failure(channel.send(sms()))).toMatchObject({ retryable: true, status: 429 });
    expect(await failure(channel.send(sms()))).toMatchObject({ retryable: true, status: 500 });
  });

  it("connection refused is retryable", async () => {
    const down = new TwilioSmsChannel({
      accountSid: fake.accountSid,
      authToken: fake.authToken,
      from,
      baseUrl: await refusedUrl(),
    });
    expect(await failure(down.send(sms()))).toMatchObject({ retryable: true, status: null });
  });

  it("no answer within the timeout is retryable", async () => {
    const impatient = new TwilioSmsChannel({
      accountSid: fake.accountSid,
      authToken: fake.authToken,
      from,
      baseUrl: fake.url,
      timeoutMs: 100,
    });
    fake.script({ status: 201, json: { sid: "SMlate" }, delayMs: 1_000 });
    const started = Date.now();
    const error = await failure(impatient.send(sms()));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("no answer within 100 ms");
    expect(Date.now() - started).toBeLessThan(900);
  });
});
