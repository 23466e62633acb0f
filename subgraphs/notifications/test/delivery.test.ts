import { deadLetterQueue, queueName } from "@retailer/kit";
import { type Stack, startStack } from "@retailer/testing";
import { users } from "@retailer/users";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DELIVERY_DEAD_LETTER_QUEUE } from "../src/delivery/deliverer.js";
import { notifications } from "../src/index.js";
import { type FakeResend, startFakeResend } from "./fake-resend.js";
import { type FakeTwilio, startFakeTwilio } from "./fake-twilio.js";
import {
  ADMIN_NOTIFICATIONS,
  type AdminNotifications,
  MY_NOTIFICATIONS,
  type MyNotifications,
  notificationsHelpers,
  orderChange,
  PREFERENCES,
} from "./stack-helpers.js";

/**
 * Notifications end to end: users and notifications behind the router,
 * Resend and Twilio faked by local servers speaking their APIs, order and
 * payment events published on the real bus as orders and payments will.
 */
let stack: Stack;
let resend: FakeResend;
let twilio: FakeTwilio;
const h = notificationsHelpers(() => stack);
const { eventually, messages, allSettled, publish } = h;

const fail500 = {
  status: 500,
  json: { statusCode: 500, name: "application_error", message: "Internal server error." },
};
const sentTo = (address: string) => resend.emails.filter((e) => e.payload.to === address);

beforeAll(async () => {
  resend = await startFakeResend();
  twilio = await startFakeTwilio();
  stack = await startStack([users, notifications], {
    RESEND_API_KEY: resend.apiKey,
    RESEND_BASE_URL: resend.url,
    EMAIL_FROM: "Test Shop <orders@shop.test>",
    SMS_TWILIO_ACCOUNT_SID: twilio.accountSid,
    SMS_TWILIO_AUTH_TOKEN: twilio.authToken,
    SMS_FROM: "+15550001111",
    SMS_TWILIO_BASE_URL: twilio.url,
    SHOP_NAME: "Test Shop",
    SHOP_URL: "https://shop.test/",
    NOTIFY_RETRY_LIMIT: "2",
    NOTIFY_RETRY_DELAY_SECONDS: "1",
  });
});
afterAll(async () => {
  await stack?.stop();
  await resend?.close();
  await twilio?.close();
});

describe("account mail", () => {
  it("a sign-up through the router sends exactly one welcome mail", async () => {
    const session = await stack.signUp("Ada Lovelace");
    const [welcome] = await eventually(
      "the welcome mail",
      () => messages({ userId: session.userId, template: "welcome" }),
      allSettled,
    );
    expect(welcome).toMatchObject({
      status: "SENT",
      channel: "EMAIL",
      recipient: session.email,
      subject: "Welcome to Test Shop",
      attempts: 1,
      provider: "resend",
    });
    expect(welcome?.body).toContain("Hi Ada Lovelace,");
    expect(welcome?.body).toContain("https://shop.test/");
    const sent = sentTo(session.email);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.id).toBe(welcome?.provider_id);
    expect(sent[0]?.payload).toMatchObject({ from: "Test Shop <orders@shop.test>", subject: "Welcome to Test Shop" });
    const request = resend.requests.find((r) => r.headers["idempotency-key"] === welcome?.id);
    expect(request).toBeDefined();

    const mine = await stack.query<MyNotifications>(MY_NOTIFICATIONS, {}, session.headers);
    expect(mine.data?.me?.notifications.nodes).toEqual([
      expect.objectContaining({ id: welcome?.id, template: "welcome", status: "SENT", attempts: 1 }),
    ]);
  });

  it("sends the password reset mail even with email turned off, and never stores the link", async () => {
    const session = await h.customer("Forgetful Fred");
    const off = await stack.query<{ updateNotificationPreferences: { preferences: unknown } }>(
      PREFERENCES,
      { input: { email: false } },
      session.headers,
    );
    expect(off.data?.updateNotificationPreferences.preferences).toEqual({ email: false, sms: false });

    const requested = await stack.query("mutation($e: String!) { requestPasswordReset(email: $e) { accepted } }", {
      e: session.email,
    });
    expect(requested.data).toEqual({ requestPasswordReset: { accepted: true } });
    const [reset] = await eventually(
      "the password reset mail",
      () => messages({ userId: session.userId, template: "password_reset" }),
      allSettled,
    );
    expect(reset?.status).toBe("SENT");

    const sent = sentTo(session.email).find((e) => String(e.payload.subject).startsWith("Reset your"));
    const link = /http:\/\/localhost:3000\/reset-password\?token=\S+/.exec(String(sent?.payload.text))?.[0];
    expect(link).toBeTruthy();
    const token = decodeURIComponent(new URL(link as string).searchParams.get("token") ?? "");
    expect(token.length).toBeGreaterThan(8);
    expect(String(sent?.payload.html)).toContain("reset-password?token=");
    // What is stored (and readable through the API) has the link redacted.
    for (const stored of [reset?.body, reset?.html]) {
      expect(stored).toContain("[reset link sent]");
      expect(stored).not.toContain(token);
      expect(stored).not.toContain("reset-password?token=");
    }
    const mine = await stack.query<MyNotifications>(MY_NOTIFICATIONS, {}, session.headers);
    const body = mine.data?.me?.notifications.nodes.find((n) => n.template === "password_reset")?.body;
    expect(body).toContain("[reset link sent]");
    expect(body).not.toContain(token);
  });
});

describe("order mail", () => {
  it("a paid order sends exactly one order_confirmed mail with its lines, totals and address", async () => {
    const session = await h.customer("Grace Hopper");
    const change = orderChange({ customerId: session.userId, email: session.email, number: "R-000101" });
    await publish("order.status_changed", change);
    const found = await eventually(
      "the order confirmation",
      () => messages({ orderId: change.orderId as string }),
      allSettled,
    );
    expect(found).toHaveLength(1);
    const [confirmed] = found;
    expect(confirmed).toMatchObject({
      template: "order_confirmed",
      channel: "EMAIL",
      status: "SENT",
      recipient: session.email,
      user_id: session.userId,
      subject: "Order R-000101 confirmed",
    });
    const body = confirmed?.body ?? "";
    expect(body).toContain("Hi Grace Hopper,");
    expect(body).toContain("2 × Linen Shirt (M / Blue), SKU SHIRT-M-BLU, $15.00 each: $30.00");
    expect(body).toContain("1 × Canvas Tote, SKU TOTE-1, $10.00 each: $10.00");
    expect(body).toContain("Subtotal: $40.00");
    expect(body).toContain("Shipping: $5.00");
    expect(body).toContain("Tax: $3.42");
    expect(body).toContain("Total: $48.42");
    expect(body).toContain("1 Harbour Road");
    expect(body).toContain("Arlington, VA, 22201");
    expect(confirmed?.html).toContain("SHIRT-M-BLU");
    const sent = sentTo(session.email).filter((e) => e.payload.subject === "Order R-000101 confirmed");
    expect(sent).toHaveLength(1);
    expect(sent[0]?.payload.text).toBe(body);
  });

  it("replays of the same event, and the same change under a new event id, make no second message", async () => {
    const session = await h.customer("Replay Rita");
    const change = orderChange({ customerId: session.userId, email: session.email, number: "R-000102" });
    // The same envelope delivered twice at once (two workers), then redelivered as a new job on the queue.
    const event = h.envelope("order.status_changed", change);
    await Promise.all([h.services().handlers.handle(event), h.services().handlers.handle(event)]);
    const jobId = await h.services().jobs.send(queueName("notifications", "order.status_changed"), event);
    await eventually(
      "the replayed job",
      () => h.jobs(queueName("notifications", "order.status_changed"), "id", event.id),
      (jobs) => jobs.some((j) => j.id === jobId && j.state === "completed"),
    );
    // orders publishing the same change twice: a new event id, the same order and status.
    const again = await publish("order.status_changed", { ...change, at: new Date().toISOString() });
    await eventually(
      "the second event",
      () => h.processed(again.id),
      (handlers) => handlers.length > 0,
    );
    await h.services().handlers.handle(again);

    const found = await eventually(
      "the confirmation",
      () => messages({ orderId: change.orderId as string }),
      allSettled,
    );
    expect(found.map((m) => [m.template, m.status])).toEqual([["order_confirmed", "SENT"]]);
    expect(sentTo(session.email).filter((e) => e.payload.subject === "Order R-000102 confirmed")).toHaveLength(1);
  });

  it("a shipped order sends order_shipped, and an SMS to a customer who opted in and has a phone", async () => {
    const texter = await h.customer("Texting Tess");
    const profile = await stack.query<{ updateProfile: { userErrors: unknown[] } }>(
      'mutation { updateProfile(input: { phone: "+49 30 1234567" }) { user { phone } userErrors { code } } }',
      {},
      texter.headers,
    );
    expect(profile.data?.updateProfile.userErrors).toEqual([]);
    const optIn = await stack.query<{ updateNotificationPreferences: { preferences: unknown } }>(
      PREFERENCES,
      { input: { sms: true } },
      texter.headers,
    );
    expect(optIn.data?.updateNotificationPreferences.preferences).toEqual({ email: true, sms: true });
    const quiet = await h.customer("Quiet Quentin");

    const shipped = (session: { userId: string; email: string }, number: string) =>
      orderChange({
        customerId: session.userId,
        email: session.email,
        number,
        from: "PAID",
        to: "SHIPPED",
        carrier: "DHL",
        trackingNumber: "JD0146000034",
      });
    const texterOrder = shipped(texter, "R-000103");
    const quietOrder = shipped(quiet, "R-000104");
    await publish("order.status_changed", texterOrder);
    await publish("order.status_changed", quietOrder);

    const texterMessages = await eventually(
      "the shipping mail and SMS",
      () => messages({ orderId: texterOrder.orderId as string }),
      (rows) => rows.length === 2 && allSettled(rows),
    );
    expect(texterMessages.map((m) => [m.channel, m.template, m.status, m.recipient])).toEqual([
      ["EMAIL", "order_shipped", "SENT", texter.email],
      ["SMS", "order_shipped_sms", "SENT", "+49301234567"],
    ]);
    expect(texterMessages[0]?.body).toContain("Carrier: DHL, tracking number: JD0146000034.");
    const sms = twilio.messages.filter((m) => m.to === "+49301234567");
    expect(sms).toHaveLength(1);
    expect(sms[0]?.body).toBe("Test Shop: your order R-000103 has shipped with DHL, tracking JD0146000034.");
    expect(sms[0]?.from).toBe("+15550001111");
    expect(texterMessages[1]?.provider_id).toBe(sms[0]?.sid);

    const quietMessages = await eventually(
      "the shipping mail",
      () => messages({ orderId: quietOrder.orderId as string }),
      allSettled,
    );
    expect(quietMessages.map((m) => [m.channel, m.template])).toEqual([["EMAIL", "order_shipped"]]);
  });

  it("mails a guest order to the order's email", async () => {
    const change = orderChange({ email: "walk-in@example.com", number: "R-000105" });
    await publish("order.status_changed", change);
    const [confirmed] = await eventually(
      "the guest's mail",
      () => messages({ orderId: change.orderId as string }),
      allSettled,
    );
    expect(confirmed).toMatchObject({ recipient: "walk-in@example.com", user_id: null, status: "SENT" });
    // Greeted by the name on the shipping address.
    expect(confirmed?.body).toContain("Hi Grace Hopper,");
    expect(sentTo("walk-in@example.com")).toHaveLength(1);
  });

  it("delivered, cancelled, payment failed and refunded each send their mail", async () => {
    const session = await h.customer("Lifecycle Lin");
    const base = orderChange({ customerId: session.userId, email: session.email, number: "R-000106" });
    const orderId = base.orderId as string;
    await publish("order.status_changed", base);
    await eventually(
      "the confirmation",
      () => messages({ orderId }),
      (rows) => rows.length === 1 && allSettled(rows),
    );
    await publish("order.status_changed", {
      ...base,
      from: "SHIPPED",
      to: "DELIVERED",
      carrier: "DHL",
      trackingNumber: "1Z",
    });
    await publish("payment.failed", {
      paymentId: "pay_1",
      orderId,
      amount: 4842,
      currency: "USD",
      reason: "Your card was declined.",
      customerId: session.userId,
      email: session.email,
    });
    await publish("payment.refunded", {
      paymentId: "pay_1",
      orderId,
      refundId: "re_1",
      amount: 1000,
      amountRefunded: 1000,
      currency: "USD",
      full: false,
    });
    const cancelled = orderChange({ customerId: session.userId, email: session.email, number: "R-000107" });
    await publish("order.status_changed", { ...cancelled, to: "CANCELLED", reason: "Out of stock" });

    const lifecycle = await eventually(
      "four mails of the order",
      () => messages({ orderId }),
      (rows) => rows.length === 4 && allSettled(rows),
    );
    const byTemplate = Object.fromEntries(lifecycle.map((m) => [m.template, m]));
    expect(Object.keys(byTemplate).sort()).toEqual([
      "order_confirmed",
      "order_delivered",
      "payment_failed",
      "refund_issued",
    ]);
    expect(byTemplate.order_delivered?.subject).toBe("Order R-000106 was delivered");
    expect(byTemplate.payment_failed?.subject).toBe("Payment for order R-000106 failed");
    expect(byTemplate.payment_failed?.body).toContain("Reason: Your card was declined.");
    expect(byTemplate.payment_failed?.body).toContain("$48.42");
    // The refund event has neither email nor number: both come from the order read model.
    expect(byTemplate.refund_issued).toMatchObject({
      recipient: session.email,
      user_id: session.userId,
      subject: "Refund of $10.00 for order R-000106",
    });
    const [cancelMail] = await eventually(
      "the cancellation",
      () => messages({ orderId: cancelled.orderId as string }),
      allSettled,
    );
    expect(cancelMail).toMatchObject({ template: "order_cancelled", subject: "Order R-000107 was cancelled" });
    expect(cancelMail?.body).toContain("Reason: Out of stock");
  });

  it("opting out of email stops order mail", async () => {
    const session = await h.customer("Opted-out Otto");
    await stack.query(PREFERENCES, { input: { email: false } }, session.headers);
    const change = orderChange({ customerId: session.userId, email: session.email, number: "R-000108" });
    const paid = await publish("order.status_changed", change);
    const shipped = await publish("order.status_changed", {
      ...change,
      from: "PAID",
      to: "SHIPPED",
      carrier: "UPS",
      trackingNumber: "1Z999",
    });
    for (const event of [paid, shipped]) {
      await eventually(
        "the event handled",
        () => h.processed(event.id),
        (handlers) => handlers.length > 0,
      );
    }
    expect(await messages({ orderId: change.orderId as string })).toEqual([]);
    expect(sentTo(session.email).filter((e) => String(e.payload.subject).includes("R-000108"))).toEqual([]);
  });
});

describe("delivery", () => {
  it("retries a provider failure with backoff: fails twice, then one SENT message after 3 attempts", async () => {
    await h.settle();
    resend.script(fail500, fail500);
    const change = orderChange({ email: "retry@example.com", number: "R-000201", from: "SHIPPED", to: "DELIVERED" });
    await publish("order.status_changed", change);
    const [message] = await eventually(
      "the message sent on the third try",
      () => messages({ orderId: change.orderId as string }),
      allSettled,
    );
    expect(message).toMatchObject({ status: "SENT", attempts: 3, template: "order_delivered" });
    expect(message?.last_error).toContain("resend 500");
    expect(sentTo("retry@example.com")).toHaveLength(1);
    const tries = resend.requests.filter((r) => r.headers["idempotency-key"] === message?.id);
    expect(tries).toHaveLength(3);
  }, 60_000);

  it("marks a message FAILED after the last attempt and keeps its job in the dead-letter queue", async () => {
    await h.settle();
    resend.script(fail500, fail500, fail500);
    const change = orderChange({ email: "doomed@example.com", number: "R-000202", to: "CANCELLED" });
    await publish("order.status_changed", change);
    const [message] = await eventually(
      "the message to fail",
      () => messages({ orderId: change.orderId as string }),
      allSettled,
    );
    expect(message).toMatchObject({ status: "FAILED", attempts: 3, sent_at: null });
    expect(message?.last_error).toContain("resend 500 application_error");
    const dead = await eventually(
      "the dead-lettered job",
      () => h.jobs(DELIVERY_DEAD_LETTER_QUEUE, "notificationId", message?.id as string),
      (jobs) => jobs.length === 1,
    );
    expect(dead).toHaveLength(1);
    expect(sentTo("doomed@example.com")).toHaveLength(0);

    const admin = await stack.admin();
    const failed = await stack.query<AdminNotifications>(
      ADMIN_NOTIFICATIONS,
      { filter: { status: "FAILED", recipient: "DOOMED@example.com" } },
      admin.headers,
    );
    expect(failed.data?.notifications.nodes.map((n) => n.id)).toEqual([message?.id]);
  }, 60_000);

  it("a 422 is not retried: FAILED after one attempt", async () => {
    await h.settle();
    const change = orderChange({ email: "not-an-address@invalid", number: "R-000203", to: "DELIVERED" });
    await publish("order.status_changed", change);
    const [message] = await eventually(
      "the message to fail",
      () => messages({ orderId: change.orderId as string }),
      allSettled,
    );
    expect(message).toMatchObject({ status: "FAILED", attempts: 1 });
    expect(message?.last_error).toContain("422");
  }, 60_000);
});

describe("invalid events", () => {
  it("an event with a missing field is logged and dead-lettered at once, and the service goes on", async () => {
    const queue = queueName("notifications", "order.status_changed");
    const { number: _dropped, ...withoutNumber } = orderChange();
    const noNumber = await publish("order.status_changed", withoutNumber);
    const noLines = await publish("order.status_changed", orderChange({ lines: [] }));
    for (const event of [noNumber, noLines]) {
      const dead = await eventually(
        "the event in the dead-letter queue",
        () => h.jobs(deadLetterQueue(queue), "id", event.id),
        (jobs) => jobs.length === 1,
      );
      expect(dead).toHaveLength(1);
      // Handled once, not retried: the original job completed.
      const original = await eventually(
        "the original job to complete",
        () => h.jobs(queue, "id", event.id),
        (jobs) => jobs.every((j) => j.state === "completed"),
      );
      expect(original).toHaveLength(1);
      expect(await messages({ orderId: (event.data as { orderId: string }).orderId })).toEqual([]);
    }
    // Handing the same broken event over again dead-letters nothing new.
    await h.services().handlers.handle(noNumber);
    expect(await h.jobs(deadLetterQueue(queue), "id", noNumber.id)).toHaveLength(1);

    const refundWithoutOrder = await publish("payment.refunded", { paymentId: "pay_2", refundId: "re_2", amount: 1 });
    await eventually(
      "the refund in the dead-letter queue",
      () => h.jobs(deadLetterQueue(queueName("notifications", "payment.refunded")), "id", refundWithoutOrder.id),
      (jobs) => jobs.length === 1,
    );

    const fine = orderChange({ email: "after-the-storm@example.com" });
    await publish("order.status_changed", fine);
    await eventually("a valid event after them", () => messages({ orderId: fine.orderId as string }), allSettled);
  });
});

describe("GraphQL", () => {
  it("preferences default to email on, SMS off; updating them needs a sign-in", async () => {
    const session = await h.customer("Pref Pat");
    const mine = await stack.query<MyNotifications>(MY_NOTIFICATIONS, {}, session.headers);
    expect(mine.data?.me?.notificationPreferences).toEqual({ email: true, sms: false });

    const anonymous = await stack.query(PREFERENCES, { input: { email: false } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    const changed = await stack.query<{ updateNotificationPreferences: unknown }>(
      PREFERENCES,
      { input: { sms: true } },
      session.headers,
    );
    expect(changed.data?.updateNotificationPreferences).toEqual({
      preferences: { email: true, sms: true },
      userErrors: [],
    });
    // A field left out keeps its value.
    const again = await stack.query<{ updateNotificationPreferences: unknown }>(
      PREFERENCES,
      { input: { email: false } },
      session.headers,
    );
    expect(again.data?.updateNotificationPreferences).toEqual({
      preferences: { email: false, sms: true },
      userErrors: [],
    });
    const after = await stack.query<MyNotifications>(MY_NOTIFICATIONS, {}, session.headers);
    expect(after.data?.me?.notificationPreferences).toEqual({ email: false, sms: true });
  });

  it("the admin list is FORBIDDEN to customers and UNAUTHENTICATED to anonymous callers", async () => {
    const session = await h.customer("Nosy Nora");
    const customer = await stack.query(ADMIN_NOTIFICATIONS, {}, session.headers);
    expect(customer.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(customer.data).toBeNull();
    const anonymous = await stack.query(ADMIN_NOTIFICATIONS, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("the admin lists, filters and pages every message", async () => {
    const first = await h.customer("Paged Paula");
    const admin = await stack.admin();
    const welcome = await stack.query<AdminNotifications>(
      ADMIN_NOTIFICATIONS,
      { filter: { template: "welcome", channel: "EMAIL", recipient: first.email }, first: 5 },
      admin.headers,
    );
    expect(welcome.data?.notifications).toMatchObject({ totalCount: 1, pageInfo: { hasNextPage: false } });
    expect(welcome.data?.notifications.nodes[0]).toMatchObject({
      template: "welcome",
      recipient: first.email,
      status: "SENT",
    });

    const all = await stack.query<AdminNotifications>(ADMIN_NOTIFICATIONS, { first: 2 }, admin.headers);
    const page = all.data?.notifications;
    expect(page?.nodes).toHaveLength(2);
    expect(page?.pageInfo.hasNextPage).toBe(true);
    const next = await stack.query<AdminNotifications>(
      ADMIN_NOTIFICATIONS,
      { first: 2, after: page?.pageInfo.endCursor },
      admin.headers,
    );
    const ids = new Set(page?.nodes.map((n) => n.id));
    expect(next.data?.notifications.nodes.length).toBeGreaterThan(0);
    expect(next.data?.notifications.nodes.some((n) => ids.has(n.id))).toBe(false);
    expect(next.data?.notifications.totalCount).toBe(page?.totalCount);

    const byOrder = await stack.query<AdminNotifications>(
      ADMIN_NOTIFICATIONS,
      { filter: { orderId: "not-a-uuid" } },
      admin.headers,
    );
    expect(byOrder.data?.notifications.totalCount).toBe(0);
  });

  it("User.notifications shows only the viewer's own messages", async () => {
    const alice = await h.customer("Alice");
    const bob = await h.customer("Bob");
    const aliceOrder = orderChange({ customerId: alice.userId, email: alice.email, number: "R-000301" });
    await publish("order.status_changed", aliceOrder);
    await eventually("alice's confirmation", () => messages({ orderId: aliceOrder.orderId as string }), allSettled);

    const aliceView = await stack.query<MyNotifications>(MY_NOTIFICATIONS, {}, alice.headers);
    const bobView = await stack.query<MyNotifications>(MY_NOTIFICATIONS, {}, bob.headers);
    expect(aliceView.data?.me?.notifications.nodes.map((n) => n.template).sort()).toEqual([
      "order_confirmed",
      "welcome",
    ]);
    expect(aliceView.data?.me?.notifications.nodes.every((n) => n.recipient === alice.email)).toBe(true);
    expect(bobView.data?.me?.notifications.nodes.map((n) => n.template)).toEqual(["welcome"]);
    expect(bobView.data?.me?.notifications.totalCount).toBe(1);
    // The only way to another user's messages would be the admin list: FORBIDDEN to Bob.
    const snoop = await stack.query(ADMIN_NOTIFICATIONS, { filter: { userId: alice.userId } }, bob.headers);
    expect(snoop.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
