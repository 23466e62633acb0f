import { checkFields } from "./fields.js";
import { html, safeHttpUrl } from "./html.js";
import { button, emailLayout, greeting, oneLine, paragraph, textLayout } from "./layout.js";
import { formatMoney } from "./money.js";
import type { EmailContent, TemplateContext } from "./types.js";

export interface PaymentFailedData {
  customerName?: string | null;
  orderNumber: string;
  /** The provider's reason, e.g. "Your card was declined." */
  reason: string;
  /** The amount that could not be charged, in minor units; shown when currency is given too. */
  amount?: number | null;
  currency?: string | null;
  /** Where the customer can try again. */
  orderUrl?: string | null;
}

export const validatePaymentFailed = (data: unknown): string[] =>
  checkFields(data, {
    customerName: "string?",
    orderNumber: "string",
    reason: "string",
    amount: "money?",
    currency: "currency?",
    orderUrl: "url?",
  });

export function renderPaymentFailed(data: PaymentFailedData, ctx: TemplateContext): EmailContent {
  const subject = oneLine(`Payment for order ${data.orderNumber} failed`);
  const amount =
    typeof data.amount === "number" && data.currency
      ? ` of ${formatMoney(data.amount, data.currency, ctx.locale)}`
      : "";
  const intro = `We could not take the payment${amount} for your order ${data.orderNumber}.`;
  const reason = `Reason: ${data.reason}`;
  const next = "Your order is not lost: you can try again with the same or another payment method.";
  const url = safeHttpUrl(data.orderUrl);
  const text = textLayout(ctx, [
    greeting(data.customerName),
    "",
    intro,
    reason,
    "",
    next,
    url && `\nTry again: ${url}`,
  ]);
  const body = html`${paragraph(greeting(data.customerName))}${paragraph(intro)}${paragraph(reason)}${paragraph(next)}${button(url, "Try again")}`;
  return { subject, text, html: emailLayout(ctx, subject, body) };
}
