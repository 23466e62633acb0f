import { checkFields } from "./fields.js";
import { html, safeHttpUrl } from "./html.js";
import { button, emailLayout, greeting, oneLine, paragraph, textLayout } from "./layout.js";
import { formatMoney } from "./money.js";
import type { EmailContent, TemplateContext } from "./types.js";

export interface RefundIssuedData {
  customerName?: string | null;
  orderNumber: string;
  /** The amount refunded, in minor units of `currency`. */
  amount: number;
  currency: string;
  orderUrl?: string | null;
}

export const validateRefundIssued = (data: unknown): string[] =>
  checkFields(data, {
    customerName: "string?",
    orderNumber: "string",
    amount: "money",
    currency: "currency",
    orderUrl: "url?",
  });

export function renderRefundIssued(data: RefundIssuedData, ctx: TemplateContext): EmailContent {
  const amount = formatMoney(data.amount, data.currency, ctx.locale);
  const subject = oneLine(`Refund of ${amount} for order ${data.orderNumber}`);
  const intro = `We have refunded ${amount} for your order ${data.orderNumber} to your original payment method.`;
  const timing = "Depending on your bank, it can take 5 to 10 business days to appear on your statement.";
  const url = safeHttpUrl(data.orderUrl);
  const text = textLayout(ctx, [greeting(data.customerName), "", intro, timing, url && `\nView your order: ${url}`]);
  const body = html`${paragraph(greeting(data.customerName))}${paragraph(intro)}${paragraph(timing)}${button(url, "View your order")}`;
  return { subject, text, html: emailLayout(ctx, subject, body) };
}
