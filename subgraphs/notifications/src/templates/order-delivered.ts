import { checkFields } from "./fields.js";
import { html, safeHttpUrl } from "./html.js";
import { button, emailLayout, greeting, oneLine, paragraph, textLayout } from "./layout.js";
import type { EmailContent, TemplateContext } from "./types.js";

export interface OrderDeliveredData {
  customerName?: string | null;
  orderNumber: string;
  orderUrl?: string | null;
}

export const validateOrderDelivered = (data: unknown): string[] =>
  checkFields(data, { customerName: "string?", orderNumber: "string", orderUrl: "url?" });

export function renderOrderDelivered(data: OrderDeliveredData, ctx: TemplateContext): EmailContent {
  const subject = oneLine(`Order ${data.orderNumber} was delivered`);
  const intro = `Your order ${data.orderNumber} has been delivered. We hope you enjoy it.`;
  const help = "If something is missing or damaged, reply to this email and we will make it right.";
  const url = safeHttpUrl(data.orderUrl);
  const text = textLayout(ctx, [greeting(data.customerName), "", intro, help, url && `\nView your order: ${url}`]);
  const body = html`${paragraph(greeting(data.customerName))}${paragraph(intro)}${paragraph(help)}${button(url, "View your order")}`;
  return { subject, text, html: emailLayout(ctx, subject, body) };
}
