import type { NewNotification } from "./db/notification.repository.js";
import type {
  OrderStatusChanged,
  PasswordResetRequested,
  PaymentFailed,
  PaymentRefunded,
  UserRegistered,
} from "./events.js";
import { allows, type Preferences } from "./preferences.js";
import {
  escapeHtml,
  type RenderOptions,
  renderTemplate,
  type TemplateDataMap,
  type TemplateName,
  templateChannel,
} from "./templates/index.js";

/**
 * Which messages an event makes, for whom, rendered: plain functions of the
 * event's data and what was looked up (the customer, their preferences), no
 * SQL, no GraphQL.
 */

/** Who a message goes to. */
export interface Recipient {
  /** The customer's account; null for a guest order. */
  userId: string | null;
  email: string;
  /** For the greeting; null greets "Hello,". */
  name: string | null;
  /** E.164, for SMS; null when unknown or without a country code. */
  phone: string | null;
  /** null for a guest, who chose nothing. */
  preferences: Preferences | null;
}

/** One message to make: a template, its data and what makes it unique. */
export interface Draft<N extends TemplateName = TemplateName> {
  template: N;
  data: TemplateDataMap[N];
  /**
   * With template and channel, unique among messages: the event id, or a
   * natural key where there is one ("order:<id>": one confirmation per order,
   * even if orders published the same change twice under two event ids).
   */
  dedupeKey: string;
  orderId: string | null;
  /** Values that are sent but never stored (a reset link and its token). */
  secrets?: string[];
}

export interface PlannedMessage {
  /** What is stored: the rendered message, secrets redacted. */
  row: NewNotification;
  /** What is sent when it differs from what is stored; travels only in the delivery job. */
  sendContent: { text: string; html: string | null } | null;
}

export const REDACTED_LINK = "[reset link sent]";
const REDACTED = "[redacted]";

/** The customer-facing templates each order status sends. */
export function orderTemplatesFor(status: string): TemplateName[] {
  switch (status) {
    case "PAID":
      return ["order_confirmed"];
    case "SHIPPED":
      return ["order_shipped", "order_shipped_sms"];
    case "DELIVERED":
      return ["order_delivered"];
    case "CANCELLED":
      return ["order_cancelled"];
    default:
      return [];
  }
}

export function welcomeDrafts(data: UserRegistered, shopUrl: string | null): Draft[] {
  return [
    draft("welcome", { customerName: data.name ?? null, shopUrl }, { dedupeKey: `user:${data.userId}`, orderId: null }),
  ];
}

export function passwordResetDrafts(event: { id: string; occurredAt: string }, data: PasswordResetRequested): Draft[] {
  const issued = new Date(event.occurredAt);
  const from = Number.isNaN(issued.getTime()) ? Date.now() : issued.getTime();
  return [
    draft(
      "password_reset",
      {
        customerName: data.name ?? null,
        resetUrl: data.resetUrl,
        expiresAt: new Date(from + data.expiresInSeconds * 1000),
      },
      { dedupeKey: `event:${event.id}`, orderId: null, secrets: [data.resetUrl, data.token] },
    ),
  ];
}

/**
 * The messages of an order's status change; their data is the event's, and
 * each template checks what it needs (a PAID event without lines fails there).
 */
export function orderStatusDrafts(data: OrderStatusChanged, customerName: string | null): Draft[] {
  const key = { dedupeKey: `order:${data.orderId}`, orderId: data.orderId };
  const orderNumber = data.number;
  const tracking = {
    orderNumber,
    carrier: data.carrier as string,
    trackingNumber: data.trackingNumber as string,
    trackingUrl: data.trackingUrl ?? null,
  };
  return orderTemplatesFor(data.to).map((template): Draft => {
    switch (template) {
      case "order_confirmed":
        return draft(
          "order_confirmed",
          {
            customerName,
            orderNumber,
            lines: data.lines,
            subtotal: data.subtotal,
            shipping: data.shipping,
            tax: data.tax,
            total: data.total,
            currency: data.currency,
            shippingAddress: data.shippingAddress,
          } as unknown as TemplateDataMap["order_confirmed"],
          key,
        );
      case "order_shipped":
        return draft("order_shipped", { customerName, ...tracking }, key);
      case "order_shipped_sms":
        return draft("order_shipped_sms", tracking, key);
      case "order_delivered":
        return draft("order_delivered", { customerName, orderNumber }, key);
      default:
        return draft("order_cancelled", { customerName, orderNumber, reason: data.reason ?? null }, key);
    }
  });
}

export function paymentFailedDrafts(
  event: { id: string },
  data: PaymentFailed,
  orderNumber: string,
  customerName: string | null,
): Draft[] {
  return [
    draft(
      "payment_failed",
      {
        customerName,
        orderNumber,
        reason: data.reason,
        amount: data.amount ?? null,
        currency: data.currency ?? null,
      },
      // A payment can fail more than once (another card, another try): one mail per failure event.
      { dedupeKey: `event:${event.id}`, orderId: data.orderId },
    ),
  ];
}

export function refundIssuedDrafts(data: PaymentRefunded, orderNumber: string, customerName: string | null): Draft[] {
  return [
    draft(
      "refund_issued",
      { customerName, orderNumber, amount: data.amount, currency: data.currency },
      { dedupeKey: `refund:${data.refundId}`, orderId: data.orderId },
    ),
  ];
}

/**
 * Renders every draft (a TemplateDataError when the data lacks a field, even
 * for a message the preferences then drop: an invalid event is invalid for
 * everyone), then keeps those the recipient's preferences and contact details
 * allow.
 */
export function planMessages(
  eventId: string,
  recipient: Recipient,
  drafts: readonly Draft[],
  options: RenderOptions,
): PlannedMessage[] {
  const rendered = drafts.map((d) => ({ draft: d, channel: templateChannel(d.template), content: render(d, options) }));
  const planned: PlannedMessage[] = [];
  for (const { draft: d, channel, content } of rendered) {
    if (!allows(d.template, channel, recipient.preferences)) continue;
    const to = channel === "EMAIL" ? recipient.email : recipient.phone;
    if (!to) continue;
    const stored = redact(content, d.secrets ?? []);
    planned.push({
      row: {
        user_id: recipient.userId,
        channel,
        template: d.template,
        recipient: to,
        subject: content.subject,
        body: stored.text,
        html: stored.html,
        order_id: d.orderId,
        event_id: eventId,
        dedupe_key: d.dedupeKey,
      },
      sendContent:
        stored.text === content.text && stored.html === content.html
          ? null
          : { text: content.text, html: content.html },
    });
  }
  return planned;
}

interface Content {
  subject: string | null;
  text: string;
  html: string | null;
}

function render(d: Draft, options: RenderOptions): Content {
  const content = renderTemplate(d.template, d.data, options) as { subject?: string; text: string; html?: string };
  return { subject: content.subject ?? null, text: content.text, html: content.html ?? null };
}

/** The content with every secret (and the forms it takes in a URL or in HTML) replaced. */
export function redact(content: Content, secrets: readonly string[]): { text: string; html: string | null } {
  const variants = (secret: string): string[] => {
    const forms = new Set([secret, encodeURIComponent(secret)]);
    try {
      forms.add(new URL(secret).href);
    } catch {
      // not a URL
    }
    for (const form of [...forms]) forms.add(escapeHtml(form));
    // Longest first, so a URL is replaced whole before the token inside it.
    return [...forms].filter((f) => f.length >= 6).sort((a, b) => b.length - a.length);
  };
  let text = content.text;
  let html = content.html;
  for (const secret of secrets) {
    const replacement = /^https?:\/\//i.test(secret) ? REDACTED_LINK : REDACTED;
    for (const form of variants(secret)) {
      text = text.split(form).join(replacement);
      html = html === null ? null : html.split(form).join(replacement);
    }
  }
  return { text, html };
}

function draft<N extends TemplateName>(
  template: N,
  data: TemplateDataMap[N],
  options: { dedupeKey: string; orderId: string | null; secrets?: string[] },
): Draft {
  return { template, data, ...options } as Draft;
}
