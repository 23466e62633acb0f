import { checkFields } from "./fields.js";
import { html, safeHttpUrl } from "./html.js";
import { button, emailLayout, greeting, oneLine, paragraph, textLayout } from "./layout.js";
import type { EmailContent, TemplateContext } from "./types.js";

export interface WelcomeData {
  customerName?: string | null;
  /** Where to start shopping; optional. */
  shopUrl?: string | null;
}

export const validateWelcome = (data: unknown): string[] =>
  checkFields(data, { customerName: "string?", shopUrl: "url?" });

export function renderWelcome(data: WelcomeData, ctx: TemplateContext): EmailContent {
  const subject = oneLine(`Welcome to ${ctx.shopName}`);
  const intro = `Thanks for creating an account at ${ctx.shopName}. You can now check out faster, follow your orders and keep your addresses in one place.`;
  const url = safeHttpUrl(data.shopUrl);
  const text = textLayout(ctx, [greeting(data.customerName), "", intro, url && `\nStart shopping: ${url}`]);
  const body = html`${paragraph(greeting(data.customerName))}${paragraph(intro)}${button(url, "Start shopping")}`;
  return { subject, text, html: emailLayout(ctx, subject, body) };
}
