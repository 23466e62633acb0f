import { checkFields } from "./fields.js";
import { safeHttpUrl } from "./html.js";
import type { SmsContent, TemplateContext } from "./types.js";

export interface OrderShippedSmsData {
  orderNumber: string;
  carrier: string;
  trackingNumber: string;
  trackingUrl?: string | null;
}

/** One SMS segment (GSM-7). Longer texts are still sent, as several segments. */
export const SMS_SEGMENT_LENGTH = 160;

export const validateOrderShippedSms = (data: unknown): string[] =>
  checkFields(data, { orderNumber: "string", carrier: "string", trackingNumber: "string", trackingUrl: "url?" });

/** The most detailed wording that fits one segment, else the shortest one. */
export function renderOrderShippedSms(data: OrderShippedSmsData, ctx: TemplateContext): SmsContent {
  const url = safeHttpUrl(data.trackingUrl);
  const full = `${ctx.shopName}: your order ${data.orderNumber} has shipped with ${data.carrier}, tracking ${data.trackingNumber}.`;
  const candidates = [
    url ? `${full} ${url}` : null,
    full,
    `${ctx.shopName}: order ${data.orderNumber} shipped, ${data.carrier} ${data.trackingNumber}`,
    `Order ${data.orderNumber} shipped, ${data.carrier} ${data.trackingNumber}`,
  ].filter((text): text is string => text !== null);
  const text = candidates.find((c) => c.length <= SMS_SEGMENT_LENGTH) ?? (candidates.at(-1) as string);
  return { text };
}
