import { html, SafeHtml, safeHttpUrl } from "./html.js";
import type { PostalAddress, TemplateContext } from "./types.js";

const font = "font-family:Arial,Helvetica,sans-serif;";

/** The whole email document: the shop's name above a white card holding `body`. */
export function emailLayout(ctx: TemplateContext, title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="${ctx.locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body style="margin:0;padding:0;background:#f4f4f5;color:#18181b;${font}">
<div style="max-width:600px;margin:0 auto;padding:24px;">
<p style="margin:0 0 16px;font-size:20px;font-weight:bold;">${ctx.shopName}</p>
<div style="background:#ffffff;border-radius:8px;padding:24px;font-size:15px;line-height:1.5;">
${body}
</div>
<p style="margin:16px 0 0;font-size:12px;color:#71717a;">Sent by ${ctx.shopName}.</p>
</div>
</body>
</html>
`.value;
}

/** Plain-text body: the lines (null ones dropped), then the shop's signature. */
export function textLayout(ctx: TemplateContext, lines: (string | null | undefined | false)[]): string {
  const body = lines.filter((line): line is string => typeof line === "string").join("\n");
  return `${body}\n\n— ${ctx.shopName}\n`;
}

/** A subject is one line. */
export const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();

export const greeting = (name: string | null | undefined): string => (name?.trim() ? `Hi ${name.trim()},` : "Hello,");

export const paragraph = (content: SafeHtml | string): SafeHtml => html`<p style="margin:0 0 16px;">${content}</p>`;

/** A link styled as a button; nothing when the URL is not http(s). */
export function button(url: string | null | undefined, label: string): SafeHtml {
  const href = safeHttpUrl(url);
  if (!href) return new SafeHtml("");
  return html`<p style="margin:24px 0;"><a href="${href}" style="display:inline-block;background:#18181b;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;">${label}</a></p>`;
}

export const addressLines = (a: PostalAddress): string[] =>
  [a.name, a.line1, a.line2, [a.city, a.region, a.postalCode].filter(Boolean).join(", "), a.country].filter(
    (line): line is string => typeof line === "string" && line.trim() !== "",
  );

export const addressHtml = (a: PostalAddress): SafeHtml =>
  html`<p style="margin:0 0 16px;">${addressLines(a).map((line, i) => html`${i > 0 ? html`<br>` : ""}${line}`)}</p>`;

export function formatDate(value: Date | string, ctx: TemplateContext): string {
  const format = new Intl.DateTimeFormat(ctx.locale, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: ctx.timeZone,
  });
  return `${format.format(new Date(value))} (${ctx.timeZone})`;
}
