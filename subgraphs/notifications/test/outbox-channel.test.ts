import { describe, expect, it } from "vitest";
import { OutboxEmailChannel, type OutboxEntry, OutboxSmsChannel } from "../src/channels/index.js";

describe("outbox channels", () => {
  it("log the email and return an outbox_ id", async () => {
    const logged: OutboxEntry[] = [];
    const channel = new OutboxEmailChannel((entry) => logged.push(entry));
    const message = {
      to: "ada@example.com",
      from: "no-reply@localhost",
      subject: "Welcome",
      text: "Hello",
      html: "<p>Hello</p>",
      idempotencyKey: "k1",
    };
    const first = await channel.send(message);
    const second = await channel.send(message);
    expect(first.providerId).toMatch(/^outbox_[0-9a-f-]{36}$/);
    expect(second.providerId).not.toBe(first.providerId);
    expect(logged[0]).toEqual({
      channel: "EMAIL",
      providerId: first.providerId,
      to: "ada@example.com",
      from: "no-reply@localhost",
      subject: "Welcome",
      text: "Hello",
      idempotencyKey: "k1",
    });
  });

  it("log the SMS", async () => {
    const logged: OutboxEntry[] = [];
    const channel = new OutboxSmsChannel((entry) => logged.push(entry));
    const { providerId } = await channel.send({ to: "+15551234567", body: "Shipped", idempotencyKey: "k2" });
    expect(providerId).toMatch(/^outbox_/);
    expect(logged).toEqual([{ channel: "SMS", providerId, to: "+15551234567", body: "Shipped", idempotencyKey: "k2" }]);
  });
});
