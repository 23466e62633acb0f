import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { withLogContext } from "../src/log-context.js";
import { createLogger, type LoggerOptions, maskContact, maskEmails } from "../src/logger.js";

/** A logger writing to memory, and the JSON lines it wrote. */
function capture(options: Omit<LoggerOptions, "destination"> = {}) {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const log = createLogger("catalog", "debug", { production: false, ...options, destination });
  return { log, lines, raw };
}

describe("logger", () => {
  it("writes pino JSON with the service on every line", () => {
    const { log, lines } = capture();
    log.info({ orderId: "o1" }, "order placed");
    expect(lines[0]).toMatchObject({ service: "catalog", level: 30, msg: "order placed", orderId: "o1" });
    expect(typeof lines[0]?.time).toBe("string");
  });

  it("redacts passwords, tokens, secrets and card data at the top level and two levels down", () => {
    const { log, lines, raw } = capture();
    log.info(
      {
        password: "hunter2-top",
        input: { password: "hunter2-input", newPassword: "n3w-secret-pw", email: "grace@example.com" },
        req: { headers: { authorization: "Bearer eyJ.secret.jwt", cookie: "session=abc", "set-cookie": "s=1" } },
        session: { accessToken: "at-123", refreshToken: "rt-456", token: "tok-789" },
        reset: { resetToken: "reset-abc" },
        payment: { clientSecret: "pi_123_secret_456", card: { number: "4242424242424242" }, cvc: "123" },
        authorization: "Bearer top-level",
      },
      "sensitive",
    );
    const line = lines[0] as Record<string, Record<string, unknown>>;
    expect(line.password).toBe("[redacted]");
    expect(line.authorization).toBe("[redacted]");
    expect(line.input).toMatchObject({ password: "[redacted]", newPassword: "[redacted]" });
    expect(line.req?.headers).toEqual({
      authorization: "[redacted]",
      cookie: "[redacted]",
      "set-cookie": "[redacted]",
    });
    expect(line.session).toEqual({ accessToken: "[redacted]", refreshToken: "[redacted]", token: "[redacted]" });
    expect(line.reset).toEqual({ resetToken: "[redacted]" });
    expect(line.payment).toEqual({ clientSecret: "[redacted]", card: "[redacted]", cvc: "[redacted]" });
    for (const secret of ["hunter2", "n3w-secret", "eyJ", "session=abc", "at-123", "rt-456", "tok-789", "reset-abc"]) {
      expect(raw[0]).not.toContain(secret);
    }
    expect(raw[0]).not.toContain("4242424242424242");
    expect(raw[0]).not.toContain("pi_123_secret");
  });

  it("masks email addresses and phone numbers in the fields the services log", () => {
    const { log, lines, raw } = capture();
    log.info(
      {
        email: "grace@example.com",
        customer: { email: "ada.lovelace@example.org", customerEmail: "alan@example.net" },
        recipient: "linus@example.com",
        // The development outbox's line: `log.info({ outbox: entry }, "outbox message")`.
        outbox: { channel: "EMAIL", to: "barbara@example.com", from: "shop@example.com", subject: "Welcome" },
        sms: { to: "+33612345678" },
      },
      "contacts",
    );
    const line = lines[0] as Record<string, Record<string, unknown>>;
    expect(line.email).toBe("g***@example.com");
    expect(line.customer).toEqual({ email: "a***@example.org", customerEmail: "a***@example.net" });
    expect(line.recipient).toBe("l***@example.com");
    expect(line.outbox).toMatchObject({ to: "b***@example.com", from: "s***@example.com", subject: "Welcome" });
    expect(line.sms).toEqual({ to: "+***78" });
    for (const address of ["grace@", "ada.lovelace@", "alan@", "linus@", "barbara@", "612345678"]) {
      expect(raw[0]).not.toContain(address);
    }
  });

  it("masks addresses in any string field, without touching the caller's objects", () => {
    const { log, lines, raw } = capture();
    const delivery = { notificationId: "n1", lastError: "Resend 422: invalid `to` grace@example.com" };
    log.warn({ delivery, reason: "bounced for ada@example.org", attempts: 2 }, "message failed");
    expect(lines[0]).toMatchObject({
      delivery: { notificationId: "n1", lastError: "Resend 422: invalid `to` g***@example.com" },
      reason: "bounced for a***@example.org",
      attempts: 2,
    });
    expect(raw[0]).not.toMatch(/grace@|ada@/);
    expect(delivery.lastError).toContain("grace@example.com");
  });

  it("keeps values of those fields that are not contacts", () => {
    const { log, lines } = capture();
    log.info({ transition: { from: "PENDING", to: "PAID" } }, "order status");
    expect(lines[0]?.transition).toEqual({ from: "PENDING", to: "PAID" });
  });

  it("masks addresses in messages and in error messages and stacks", () => {
    const { log, lines, raw } = capture();
    log.warn("no account for grace@example.com");
    log.error({ err: new Error("users: duplicate email ada@example.org") }, "sign-up failed");
    expect(lines[0]?.msg).toBe("no account for g***@example.com");
    const err = lines[1]?.err as { message: string; stack: string; type: string };
    expect(err.type).toBe("Error");
    expect(err.message).toBe("users: duplicate email a***@example.org");
    expect(err.stack).toContain("a***@example.org");
    expect(raw.join("\n")).not.toMatch(/grace@|ada@/);
  });

  it("redacts the outbox's message text in production only (it holds sign-in and reset links)", () => {
    const entry = { channel: "EMAIL", to: "grace@example.com", subject: "Reset", text: "https://shop/reset?token=abc" };
    const development = capture({ production: false });
    development.log.info({ outbox: entry }, "outbox message");
    expect(development.lines[0]?.outbox).toMatchObject({ to: "g***@example.com", text: entry.text });
    const production = capture({ production: true });
    production.log.info({ outbox: entry }, "outbox message");
    production.log.info({ outbox: { channel: "SMS", to: "+33612345678", body: "code 123456" } }, "outbox message");
    expect(production.lines[0]?.outbox).toMatchObject({ to: "g***@example.com", text: "[redacted]" });
    expect(production.lines[1]?.outbox).toMatchObject({ to: "+***78", body: "[redacted]" });
    expect(production.raw.join("\n")).not.toMatch(/token=abc|123456/);
  });

  it("adds the request id, trace id and operation name of the request being handled", () => {
    const { log, lines } = capture();
    withLogContext(
      {
        requestId: "req-1",
        traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
        operationName: "Storefront",
      },
      () => log.info("inside"),
    );
    log.info("outside");
    expect(lines[0]).toMatchObject({
      requestId: "req-1",
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      operationName: "Storefront",
    });
    expect(lines[1]).not.toHaveProperty("requestId");
    expect(lines[1]).not.toHaveProperty("traceId");
  });

  it("keeps the request context through async work and child loggers, each field once", async () => {
    const { log, raw, lines } = capture();
    const child = log.child({ queue: "cart.order.placed" });
    await withLogContext({ requestId: "req-2" }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      child.info({ requestId: "req-2" }, "later");
    });
    expect(lines[0]).toMatchObject({ requestId: "req-2", queue: "cart.order.placed" });
    expect(raw[0]?.match(/"requestId"/g)).toHaveLength(1);
  });
});

describe("masking helpers", () => {
  it("masks addresses inside text and leaves other text alone", () => {
    expect(maskEmails("mail to g@example.com and x.y+z@sub.example.co.uk.")).toBe(
      "mail to g***@example.com and x***@sub.example.co.uk.",
    );
    expect(maskEmails("no address here @ all")).toBe("no address here @ all");
    expect(maskContact(42)).toBe(42);
    expect(maskContact("PAID")).toBe("PAID");
  });
});
