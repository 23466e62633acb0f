import { type OrderCancelledData, renderOrderCancelled, validateOrderCancelled } from "./order-cancelled.js";
import { type OrderConfirmedData, renderOrderConfirmed, validateOrderConfirmed } from "./order-confirmed.js";
import { type OrderDeliveredData, renderOrderDelivered, validateOrderDelivered } from "./order-delivered.js";
import { type OrderShippedData, renderOrderShipped, validateOrderShipped } from "./order-shipped.js";
import { type OrderShippedSmsData, renderOrderShippedSms, validateOrderShippedSms } from "./order-shipped-sms.js";
import { type PasswordResetData, renderPasswordReset, validatePasswordReset } from "./password-reset.js";
import { type PaymentFailedData, renderPaymentFailed, validatePaymentFailed } from "./payment-failed.js";
import { type RefundIssuedData, renderRefundIssued, validateRefundIssued } from "./refund-issued.js";
import type { EmailContent, SmsContent, TemplateContext } from "./types.js";
import { renderWelcome, validateWelcome, type WelcomeData } from "./welcome.js";

export { escapeHtml } from "./html.js";
export { formatMoney } from "./money.js";
export { SMS_SEGMENT_LENGTH } from "./order-shipped-sms.js";
export type * from "./types.js";
export type {
  OrderCancelledData,
  OrderConfirmedData,
  OrderDeliveredData,
  OrderShippedData,
  OrderShippedSmsData,
  PasswordResetData,
  PaymentFailedData,
  RefundIssuedData,
  WelcomeData,
};

/** The data each template needs. */
export interface TemplateDataMap {
  welcome: WelcomeData;
  password_reset: PasswordResetData;
  order_confirmed: OrderConfirmedData;
  order_shipped: OrderShippedData;
  order_delivered: OrderDeliveredData;
  order_cancelled: OrderCancelledData;
  payment_failed: PaymentFailedData;
  refund_issued: RefundIssuedData;
  order_shipped_sms: OrderShippedSmsData;
}

export type TemplateName = keyof TemplateDataMap;
export type SmsTemplateName = "order_shipped_sms";
export type EmailTemplateName = Exclude<TemplateName, SmsTemplateName>;
export type RenderedTemplate<N extends TemplateName> = N extends SmsTemplateName ? SmsContent : EmailContent;

interface TemplateDefinition<N extends TemplateName> {
  channel: N extends SmsTemplateName ? "SMS" : "EMAIL";
  validate: (data: unknown) => string[];
  render: (data: TemplateDataMap[N], ctx: TemplateContext) => RenderedTemplate<N>;
}

const templates: { [N in TemplateName]: TemplateDefinition<N> } = {
  welcome: { channel: "EMAIL", validate: validateWelcome, render: renderWelcome },
  password_reset: { channel: "EMAIL", validate: validatePasswordReset, render: renderPasswordReset },
  order_confirmed: { channel: "EMAIL", validate: validateOrderConfirmed, render: renderOrderConfirmed },
  order_shipped: { channel: "EMAIL", validate: validateOrderShipped, render: renderOrderShipped },
  order_delivered: { channel: "EMAIL", validate: validateOrderDelivered, render: renderOrderDelivered },
  order_cancelled: { channel: "EMAIL", validate: validateOrderCancelled, render: renderOrderCancelled },
  payment_failed: { channel: "EMAIL", validate: validatePaymentFailed, render: renderPaymentFailed },
  refund_issued: { channel: "EMAIL", validate: validateRefundIssued, render: renderRefundIssued },
  order_shipped_sms: { channel: "SMS", validate: validateOrderShippedSms, render: renderOrderShippedSms },
};

export const templateNames = Object.keys(templates) as TemplateName[];

export const isTemplateName = (value: string): value is TemplateName => Object.hasOwn(templates, value);

export const templateChannel = (name: TemplateName): "EMAIL" | "SMS" => templates[name].channel;

/** Raised by renderTemplate when the data lacks a field: not worth retrying, dead-letter it. */
export class TemplateDataError extends Error {
  constructor(
    readonly template: TemplateName,
    readonly fields: string[],
  ) {
    super(`template ${template}: missing or invalid data: ${fields.join(", ")}`);
    this.name = "TemplateDataError";
  }
}

/**
 * The paths of the fields a template's data lacks or has malformed
 * ("orderNumber", "lines[0].sku", "shippingAddress.city"); empty when renderable.
 */
export const validateTemplateData = (name: TemplateName, data: unknown): string[] => templates[name].validate(data);

export interface RenderOptions {
  /** SHOP_NAME; default "Retailer". */
  shopName?: string;
  /** Locale of money and dates; default en-US. */
  locale?: string;
  /** Time zone of dates; default UTC. */
  timeZone?: string;
}

/**
 * Renders a template: `{ subject, text, html }` for email, `{ text }` for SMS.
 * Throws TemplateDataError when the data does not pass validateTemplateData.
 */
export function renderTemplate<N extends TemplateName>(
  name: N,
  data: TemplateDataMap[N],
  options: RenderOptions = {},
): RenderedTemplate<N> {
  const template = templates[name] as TemplateDefinition<N>;
  const fields = template.validate(data);
  if (fields.length > 0) throw new TemplateDataError(name, fields);
  const ctx: TemplateContext = {
    shopName: options.shopName?.trim() || "Retailer",
    locale: options.locale ?? "en-US",
    timeZone: options.timeZone ?? "UTC",
  };
  return template.render(data, ctx);
}
