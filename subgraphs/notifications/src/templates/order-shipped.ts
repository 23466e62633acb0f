import { checkFields } from "./fields.js";
import { html, safeHttpUrl } from "./html.js";
import { button, emailLayout, greeting, oneLine, paragraph, textLayout } from "./layout.js";
import type { EmailContent, TemplateContext } from "./types.js";

export interface OrderShippedData {
  customerName?: string | null;
  orderNumber: string;
  carrier: string;
  trackingNumber: string;
  /** The carrier's tracking page, when known. */
  trackingUrl?: string | null;
  orderUrl?: string | null;
}

export const validateOrderShipped = (data: unknown): string[] =>
  checkFields(data, {
    customerName: "string?",
    orderNumber: "string",
    carrier: "string",
    trackingNumber: "string",
    trackingUrl: "url?",
    orderUrl: "url?",
  });

export function renderOrderShipped(data: OrderShippedData, ctx: TemplateContext): EmailContent {
  const subject = oneLine(`Order ${data.orderNumber} has shipped`);
  const intro = `Good news: your order ${data.orderNumber} is on its way.`;
  const tracking = `Carrier: ${data.carrier}, tracking number: ${data.trackingNumber}.`;
  const trackingUrl = safeHttpUrl(data.trackingUrl);
  const orderUrl = safeHttpUrl(data.orderUrl);
  const text = textLayout(ctx, [
    greeting(data.customerName),
    "",
    intro,
    tracking,
    trackingUrl && `\nTrack your parcel: ${trackingUrl}`,
    orderUrl && `\nView your order: ${orderUrl}`,
  ]);
  const body = html`${paragraph(greeting(data.customerName))}${paragraph(intro)}
${paragraph(html`Carrier: <strong>${data.carrier}</strong><br>Tracking number: <strong>${data.trackingNumber}</strong>`)}
${button(trackingUrl, "Track your parcel")}${button(orderUrl, "View your order")}`;
  return { subject, text, html: emailLayout(ctx, subject, body) };
}
