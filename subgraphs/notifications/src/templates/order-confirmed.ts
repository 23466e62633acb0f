import { checkFields } from "./fields.js";
import { html, type SafeHtml, safeHttpUrl } from "./html.js";
import { addressHtml, addressLines, button, emailLayout, greeting, oneLine, paragraph, textLayout } from "./layout.js";
import { formatMoney } from "./money.js";
import type { EmailContent, OrderLine, PostalAddress, TemplateContext } from "./types.js";

export interface OrderConfirmedData {
  customerName?: string | null;
  /** As customers see it, e.g. R-000042. */
  orderNumber: string;
  lines: OrderLine[];
  subtotal: number;
  shipping: number;
  tax: number;
  total: number;
  currency: string;
  shippingAddress: PostalAddress;
  orderUrl?: string | null;
}

export const validateOrderConfirmed = (data: unknown): string[] =>
  checkFields(data, {
    customerName: "string?",
    orderNumber: "string",
    lines: {
      list: {
        productName: "string",
        variantName: "string?",
        sku: "string",
        quantity: "quantity",
        unitPrice: "money",
        lineTotal: "money",
      },
    },
    subtotal: "money",
    shipping: "money",
    tax: "money",
    total: "money",
    currency: "currency",
    shippingAddress: {
      object: {
        name: "string",
        line1: "string",
        line2: "string?",
        city: "string",
        region: "string?",
        postalCode: "string",
        country: "string",
      },
    },
    orderUrl: "url?",
  });

const lineName = (line: OrderLine): string =>
  line.variantName ? `${line.productName} (${line.variantName})` : line.productName;

const cell = "padding:6px 0;border-bottom:1px solid #e4e4e7;";

function linesTable(data: OrderConfirmedData, money: (minor: number) => string): SafeHtml {
  const rows = data.lines.map(
    (line) => html`<tr>
<td style="${cell}">${lineName(line)}<br><span style="font-size:12px;color:#71717a;">SKU ${line.sku} · ${line.quantity} × ${money(line.unitPrice)}</span></td>
<td style="${cell}text-align:right;white-space:nowrap;">${money(line.lineTotal)}</td>
</tr>`,
  );
  const total = (label: string, amount: number, bold = false) =>
    html`<tr${bold ? html` style="font-weight:bold;"` : ""}><td style="padding:4px 0;">${label}</td><td style="padding:4px 0;text-align:right;">${money(amount)}</td></tr>`;
  return html`<table role="presentation" style="width:100%;border-collapse:collapse;margin:0 0 16px;">
${rows}
${total("Subtotal", data.subtotal)}${total("Shipping", data.shipping)}${total("Tax", data.tax)}${total("Total", data.total, true)}
</table>`;
}

export function renderOrderConfirmed(data: OrderConfirmedData, ctx: TemplateContext): EmailContent {
  const money = (minor: number) => formatMoney(minor, data.currency, ctx.locale);
  const subject = oneLine(`Order ${data.orderNumber} confirmed`);
  const intro = `Thank you for your order ${data.orderNumber}. We have received your payment and will let you know when it ships.`;
  const url = safeHttpUrl(data.orderUrl);
  const text = textLayout(ctx, [
    greeting(data.customerName),
    "",
    intro,
    "",
    ...data.lines.map(
      (l) => `${l.quantity} × ${lineName(l)}, SKU ${l.sku}, ${money(l.unitPrice)} each: ${money(l.lineTotal)}`,
    ),
    "",
    `Subtotal: ${money(data.subtotal)}`,
    `Shipping: ${money(data.shipping)}`,
    `Tax: ${money(data.tax)}`,
    `Total: ${money(data.total)}`,
    "",
    "Shipping to:",
    ...addressLines(data.shippingAddress),
    url && `\nView your order: ${url}`,
  ]);
  const body = html`${paragraph(greeting(data.customerName))}${paragraph(intro)}
${linesTable(data, money)}
<p style="margin:0 0 4px;font-weight:bold;">Shipping to</p>
${addressHtml(data.shippingAddress)}${button(url, "View your order")}`;
  return { subject, text, html: emailLayout(ctx, subject, body) };
}
