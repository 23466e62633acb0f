import { describe, expect, it } from "vitest";
import { EventDataError, orderStatusChanged, parseEvent, paymentRefunded } from "../src/events.js";
import {
  orderStatusDrafts,
  orderTemplatesFor,
  passwordResetDrafts,
  planMessages,
  REDACTED_LINK,
  type Recipient,
  redact,
} from "../src/messages.js";
import { allows, DEFAULT_PREFERENCES, toE164 } from "../src/preferences.js";
import { TemplateDataError } from "../src/templates/index.js";
import { orderChange } from "./stack-helpers.js";

const customer = (overrides: Partial<Recipient> = {}): Recipient => ({
  userId: "user-1",
  email: "ada@example.com",
  name: "Ada",
  phone: "+4930123456",
  preferences: { ...DEFAULT_PREFERENCES },
  ...overrides,
});

const shipped = () =>
  parseEvent(
    "order.status_changed",
    orderStatusChanged,
    orderChange({ to: "SHIPPED", carrier: "DHL", trackingNumber: "JD01" }),
  );

describe("preferences", () => {
  it("password reset always goes out; email=false stops other mail; SMS needs an opt-in; guests get email only", () => {
    const off = { email: false, sms: false };
    expect(allows("password_reset", "EMAIL", off)).toBe(true);
    for (const template of ["welcome", "order_confirmed", "payment_failed", "refund_issued"]) {
      expect(allows(template, "EMAIL", off)).toBe(false);
      expect(allows(template, "EMAIL", DEFAULT_PREFERENCES)).toBe(true);
    }
    expect(allows("order_shipped_sms", "SMS", DEFAULT_PREFERENCES)).toBe(false);
    expect(allows("order_shipped_sms", "SMS", { email: false, sms: true })).toBe(true);
    expect(allows("order_confirmed", "EMAIL", null)).toBe(true);
    expect(allows("order_shipped_sms", "SMS", null)).toBe(false);
  });

  it.each([
    ["+49 30 1234567", "+49301234567"],
    ["0044 (20) 7946-0958", "+442079460958"],
    ["+1.555.123.4567", "+15551234567"],
    ["030 1234567", null],
    ["+0 123 4567", null],
    ["", null],
    [null, null],
  ])("phone %j as E.164 is %j", (input, expected) => {
    expect(toE164(input)).toBe(expected);
  });
});

describe("planning messages", () => {
  it("maps order statuses to templates", () => {
    expect(orderTemplatesFor("PAID")).toEqual(["order_confirmed"]);
    expect(orderTemplatesFor("SHIPPED")).toEqual(["order_shipped", "order_shipped_sms"]);
    expect(orderTemplatesFor("DELIVERED")).toEqual(["order_delivered"]);
    expect(orderTemplatesFor("CANCELLED")).toEqual(["order_cancelled"]);
    expect(orderTemplatesFor("REFUNDED")).toEqual([]);
    expect(orderTemplatesFor("PENDING_PAYMENT")).toEqual([]);
  });

  it("a shipped order: mail and SMS when opted in with a phone, keyed by the order", () => {
    const data = shipped();
    const planned = planMessages(
      "event-1",
      customer({ preferences: { email: true, sms: true } }),
      orderStatusDrafts(data, "Ada"),
      {},
    );
    expect(planned.map((p) => [p.row.channel, p.row.template, p.row.recipient, p.row.dedupe_key])).toEqual([
      ["EMAIL", "order_shipped", "ada@example.com", `order:${data.orderId}`],
      ["SMS", "order_shipped_sms", "+4930123456", `order:${data.orderId}`],
    ]);
    expect(planned[1]?.row).toMatchObject({ subject: null, html: null, event_id: "event-1", order_id: data.orderId });
  });

  it("no SMS without an opt-in, without a usable phone, or for a guest", () => {
    const drafts = orderStatusDrafts(shipped(), null);
    const channels = (recipient: Recipient) => planMessages("e", recipient, drafts, {}).map((p) => p.row.channel);
    expect(channels(customer())).toEqual(["EMAIL"]);
    expect(channels(customer({ preferences: { email: true, sms: true }, phone: null }))).toEqual(["EMAIL"]);
    expect(channels(customer({ userId: null, preferences: null }))).toEqual(["EMAIL"]);
    expect(channels(customer({ preferences: { email: false, sms: true } }))).toEqual(["SMS"]);
  });

  it("an event lacking what a template needs fails, even when the preferences would drop the message", () => {
    const data = parseEvent("order.status_changed", orderStatusChanged, orderChange({ to: "SHIPPED", carrier: null }));
    const optedOut = customer({ preferences: { email: false, sms: false } });
    expect(() => planMessages("e", optedOut, orderStatusDrafts(data, null), {})).toThrow(TemplateDataError);
  });

  it("stores a password reset with the link redacted and sends the real one", () => {
    const token = "tok_Secret/Value+1";
    const resetUrl = `https://shop.example/reset?token=${encodeURIComponent(token)}&a=1`;
    const drafts = passwordResetDrafts(
      { id: "event-2", occurredAt: "2026-01-02T10:00:00.000Z" },
      { userId: "user-1", email: "ada@example.com", name: "Ada", token, resetUrl, expiresInSeconds: 3600 },
    );
    const [planned] = planMessages("event-2", customer({ preferences: { email: false, sms: false } }), drafts, {});
    expect(planned?.row.template).toBe("password_reset");
    for (const stored of [planned?.row.body, planned?.row.html]) {
      expect(stored).toContain(REDACTED_LINK);
      expect(stored).not.toContain("reset?token=");
      expect(stored).not.toContain(encodeURIComponent(token));
    }
    expect(planned?.sendContent?.text).toContain(resetUrl);
    expect(planned?.sendContent?.html).toContain("reset?token=");
    expect(planned?.row.body).toContain("The link expires on Jan 2, 2026");
  });

  it("redacts every form a secret takes", () => {
    const url = "https://shop.example/r?t=a b&c";
    const content = {
      subject: null,
      text: `go to ${url} or ${new URL(url).href}; token xyz-123456`,
      html: `<a href="${new URL(url).href.replace(/&/g, "&amp;")}">${url.replace(/&/g, "&amp;")}</a>`,
    };
    const out = redact(content, [url, "xyz-123456"]);
    expect(out.text).toBe(`go to ${REDACTED_LINK} or ${REDACTED_LINK}; token [redacted]`);
    expect(out.html).toBe(`<a href="${REDACTED_LINK}">${REDACTED_LINK}</a>`);
  });
});

describe("event validation", () => {
  it("names every missing or malformed field", () => {
    const error = (() => {
      try {
        parseEvent("payment.refunded", paymentRefunded, {
          paymentId: "p",
          orderId: "nope",
          amount: -1,
          currency: "usd",
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(EventDataError);
    expect((error as EventDataError).fields).toEqual(["orderId", "refundId", "amount", "currency"]);
  });

  it("accepts a bare order number and a guest (customerId null), but not a missing customerId", () => {
    const parsed = parseEvent("order.status_changed", orderStatusChanged, orderChange({ number: 42 }));
    expect(parsed.number).toBe("42");
    expect(parsed.customerId).toBeNull();
    const { customerId: _missing, ...withoutCustomer } = orderChange();
    expect(() => parseEvent("order.status_changed", orderStatusChanged, withoutCustomer)).toThrow(EventDataError);
  });
});
