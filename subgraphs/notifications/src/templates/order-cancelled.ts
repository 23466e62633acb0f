import { checkFields } from "./fields.js";
import { html, safeHttpUrl } from "./html.js";
import { button, emailLayout, greeting, oneLine, paragraph, textLayout } from "./layout.js";
import type { EmailContent, TemplateContext } from "./types.js";

export interface OrderCancelledData {
  customerName?: string | null;
  orderNumber: string;
  /** Why, in words a customer can read; optional. */
  reason?: string | null;
  orderUrl?: string | null;
}

export const validateOrderCancelled = (data: unknown): string[] =>
  checkFields(data, { customerName: "string?", orderNumber: "string", reason: "string?", orderUrl: "url?" });

export function renderOrderCancelled(data: OrderCancelledData, ctx: TemplateContext): EmailContent {
  const subject = oneLine(`Order ${data.orderNumber} was cancelled`);
  const intro = `Your order ${data.orderNumber} has been cancelled.`;
  const reason = data.reason?.trim() ? `Reason: ${data.reason.trim()}` : null;
  const money = "If you were charged, the payment will be refunded to your original payment method.";
  const url = safeHttpUrl(data.orderUrl);
  const text = textLayout(ctx, [
    greeting(data.customerName),
    "",
    intro,
    reason,
    money,
    url && `\nView your order: ${url}`,
  ]);
  const body = html`${paragraph(greeting(data.customerName))}${paragraph(intro)}${reason ? paragraph(reason) : ""}
${paragraph(money)}${button(url, "View your order")}`;
  return { subject, text, html: emailLayout(ctx, subject, body) };
}
