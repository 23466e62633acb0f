import { type Stack, startStack } from "@retailer/testing";
import { users } from "@retailer/users";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrderNotKnownError } from "../src/handlers.js";
import { notifications } from "../src/index.js";
import {
  ADMIN_NOTIFICATIONS,
  type AdminNotifications,
  MY_NOTIFICATIONS,
  type MyNotifications,
  notificationsHelpers,
  orderChange,
  PREFERENCES,
} from "./stack-helpers.js";

/** Without RESEND_API_KEY and Twilio settings: the development outbox, read through the API. */
let stack: Stack;
const h = notificationsHelpers(() => stack);
const { eventually, messages, allSettled, publish } = h;

beforeAll(async () => {
  stack = await startStack([users, notifications], { NOTIFY_RETRY_DELAY_SECONDS: "1" });
});
afterAll(() => stack?.stop());

describe("development outbox", () => {
  it("stores a welcome mail as SENT by the outbox, readable by the customer and the admin", async () => {
    const session = await stack.signUp("Outbox Olga");
    const [welcome] = await eventually(
      "the welcome mail",
      () => messages({ userId: session.userId, template: "welcome" }),
      allSettled,
    );
    expect(welcome).toMatchObject({ status: "SENT", provider: "outbox", attempts: 1 });
    expect(welcome?.provider_id).toMatch(/^outbox_/);

    const mine = await stack.query<MyNotifications>(MY_NOTIFICATIONS, { first: 10 }, session.headers);
    const node = mine.data?.me?.notifications.nodes[0];
    expect(node).toMatchObject({ template: "welcome", subject: "Welcome to Retailer", status: "SENT" });
    expect(node?.body).toContain("Hi Outbox Olga,");

    const admin = await stack.admin();
    const all = await stack.query<AdminNotifications>(
      ADMIN_NOTIFICATIONS,
      { filter: { recipient: session.email } },
      admin.headers,
    );
    expect(all.data?.notifications.nodes).toEqual([
      expect.objectContaining({ id: welcome?.id, template: "welcome", status: "SENT" }),
    ]);
  });

  it("texts through the SMS outbox", async () => {
    const session = await stack.signUp("Outbox Omar");
    await stack.query(
      'mutation { updateProfile(input: { phone: "0044 20 7946 0958" }) { user { id } } }',
      {},
      session.headers,
    );
    await stack.query(PREFERENCES, { input: { sms: true } }, session.headers);
    const shipped = orderChange({
      customerId: session.userId,
      email: session.email,
      to: "SHIPPED",
      carrier: "Royal Mail",
      trackingNumber: "RM123",
    });
    await publish("order.status_changed", shipped);
    const sent = await eventually(
      "mail and SMS",
      () => messages({ orderId: shipped.orderId as string }),
      (rows) => rows.length === 2 && allSettled(rows),
    );
    expect(sent.map((m) => [m.channel, m.status, m.provider, m.recipient])).toEqual([
      ["EMAIL", "SENT", "outbox", session.email],
      ["SMS", "SENT", "outbox", "+442079460958"],
    ]);
  });
});

describe("events that arrive out of order", () => {
  it("a refund for an order not seen yet is retried (not dead-lettered) until the order is known", async () => {
    const session = await stack.signUp("Early Refund");
    const change = orderChange({ customerId: session.userId, email: session.email, number: "R-000777" });
    const refund = h.envelope("payment.refunded", {
      paymentId: "pay_9",
      orderId: change.orderId,
      refundId: "re_9",
      amount: 4842,
      amountRefunded: 4842,
      currency: "USD",
      full: true,
    });
    await expect(h.services().handlers.handle(refund)).rejects.toBeInstanceOf(OrderNotKnownError);
    expect(await h.processed(refund.id)).toEqual([]);

    await publish("order.status_changed", change);
    await eventually("the confirmation", () => messages({ orderId: change.orderId as string }), allSettled);
    await h.services().handlers.handle(refund);
    const refunds = await eventually(
      "the refund mail",
      () => messages({ orderId: change.orderId as string, template: "refund_issued" }),
      allSettled,
    );
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ recipient: session.email, subject: "Refund of $48.42 for order R-000777" });
  });

  it("an older status change does not overwrite the read model of a newer one", async () => {
    const change = orderChange({
      email: "first@example.com",
      number: "R-000778",
      to: "SHIPPED",
      carrier: "DHL",
      trackingNumber: "X1",
    });
    const earlier = new Date(Date.now() - 60_000).toISOString();
    await publish("order.status_changed", change);
    await eventually("the shipping mail", () => messages({ orderId: change.orderId as string }), allSettled);
    const late = await publish("order.status_changed", { ...change, to: "PAID", from: "PENDING_PAYMENT", at: earlier });
    await eventually(
      "the late event",
      () => h.processed(late.id),
      (handlers) => handlers.length > 0,
    );
    const row = await h
      .db()
      .selectFrom("order_contact")
      .selectAll()
      .where("order_id", "=", change.orderId as string)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("SHIPPED");
  });
});
