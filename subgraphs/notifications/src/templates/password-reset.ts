import { checkFields } from "./fields.js";
import { html } from "./html.js";
import { button, emailLayout, formatDate, greeting, oneLine, paragraph, textLayout } from "./layout.js";
import type { EmailContent, TemplateContext } from "./types.js";

export interface PasswordResetData {
  customerName?: string | null;
  /** The link that carries the reset token, e.g. https://shop.example/reset?token=... */
  resetUrl: string;
  /** When the token stops working. */
  expiresAt: Date | string;
}

export const validatePasswordReset = (data: unknown): string[] =>
  checkFields(data, { customerName: "string?", resetUrl: "url", expiresAt: "date" });

export function renderPasswordReset(data: PasswordResetData, ctx: TemplateContext): EmailContent {
  const subject = oneLine(`Reset your ${ctx.shopName} password`);
  const intro = "We received a request to reset your password. Use the link below to choose a new one.";
  const expiry = `The link expires on ${formatDate(data.expiresAt, ctx)}.`;
  const ignore = "If you did not ask for this, ignore this email: your password stays the same.";
  const text = textLayout(ctx, [greeting(data.customerName), "", intro, "", data.resetUrl, "", expiry, "", ignore]);
  const body = html`${paragraph(greeting(data.customerName))}${paragraph(intro)}${button(data.resetUrl, "Reset password")}
${paragraph(expiry)}${paragraph(ignore)}`;
  return { subject, text, html: emailLayout(ctx, subject, body) };
}
