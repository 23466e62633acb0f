import { describe, expect, it } from "vitest";
import {
  formatMoney,
  type OrderConfirmedData,
  renderTemplate,
  SMS_SEGMENT_LENGTH,
  TemplateDataError,
  type TemplateDataMap,
  type TemplateName,
  templateChannel,
  templateNames,
  validateTemplateData,
} from "../src/templates/index.js";

const shop = { shopName: "Acme & Sons" };
const evil = "<script>alert('x')</script>";

const order: OrderConfirmedData = {
  customerName: "Ada Lovelace",
  orderNumber: "R-000042",
  lines: [
    {
      productName: "Linen shirt",
      variantName: "Blue / M",
      sku: "LS-BL-M",
      quantity: 1,
      unitPrice: 1999,
      lineTotal: 1999,
    },
    { productName: "Socks", variantName: null, sku: "SO-1", quantity: 2, unitPrice: 500, lineTotal: 1000 },
  ],
  subtotal: 2999,
  shipping: 500,
  tax: 240,
  total: 3739,
  currency: "USD",
  shippingAddress: {
    name: "Ada Lovelace",
    line1: "12 St James's Square",
    line2: null,
    city: "London",
    region: null,
    postalCode: "SW1Y 4JH",
    country: "GB",
  },
  orderUrl: "https://shop.example/orders/R-000042",
};

/** Valid data for every template. */
const samples: { [N in TemplateName]: TemplateDataMap[N] } = {
  welcome: { customerName: "Ada", shopUrl: "https://shop.example" },
  password_reset: {
    customerName: "Ada",
    resetUrl: "https://shop.example/reset?token=abc123",
    expiresAt: "2030-03-12T14:30:00Z",
  },
  order_confirmed: order,
  order_shipped: {
    customerName: "Ada",
    orderNumber: "R-000042",
    carrier: "UPS",
    trackingNumber: "1Z999AA10123456784",
    trackingUrl: "https://www.ups.com/track?tracknum=1Z999AA10123456784",
  },
  order_delivered: { customerName: null, orderNumber: "R-000042" },
  order_cancelled: { customerName: "Ada", orderNumber: "R-000042", reason: "Out of stock" },
  payment_failed: {
    customerName: "Ada",
    orderNumber: "R-000042",
    reason: "Your card was declined.",
    amount: 3739,
    currency: "USD",
  },
  refund_issued: { customerName: "Ada", orderNumber: "R-000042", amount: 1500, currency: "JPY" },
  order_shipped_sms: { orderNumber: "R-000042", carrier: "UPS", trackingNumber: "1Z999AA10123456784" },
};

const subjects: Record<Exclude<TemplateName, "order_shipped_sms">, string> = {
  welcome: "Welcome to Acme & Sons",
  password_reset: "Reset your Acme & Sons password",
  order_confirmed: "Order R-000042 confirmed",
  order_shipped: "Order R-000042 has shipped",
  order_delivered: "Order R-000042 was delivered",
  order_cancelled: "Order R-000042 was cancelled",
  payment_failed: "Payment for order R-000042 failed",
  refund_issued: "Refund of ¥1,500 for order R-000042",
};

describe("formatMoney", () => {
  it("uses the currency's fraction digits", () => {
    expect(formatMoney(1999, "USD")).toBe("$19.99");
    expect(formatMoney(5, "USD")).toBe("$0.05");
    expect(formatMoney(0, "USD")).toBe("$0.00");
    expect(formatMoney(1500, "JPY")).toBe("¥1,500");
    expect(formatMoney(1500, "KWD")).toBe("KWD\u00a01.500"); // ICU puts a no-break space
    expect(formatMoney(123456789, "EUR", "de-DE")).toBe("1.234.567,89\u00a0€");
    expect(formatMoney(-250, "usd")).toBe("-$2.50");
  });

  it("refuses amounts that are not whole minor units", () => {
    expect(() => formatMoney(19.99, "USD")).toThrow(RangeError);
  });
});

describe("renderTemplate", () => {
  it("renders every template", () => {
    for (const name of templateNames) {
      const rendered: { text: string; subject?: string; html?: string } = renderTemplate(
        name,
        samples[name] as never,
        shop,
      );
      expect(rendered.text, name).toBeTruthy();
      if (templateChannel(name) === "SMS") {
        expect(Object.keys(rendered), name).toEqual(["text"]);
        continue;
      }
      expect(rendered.subject, name).toBe(subjects[name as keyof typeof subjects]);
      expect(rendered.html, name).toContain("<!doctype html>");
      expect(rendered.html, name).toContain("Acme &amp; Sons");
      expect(rendered.text, name).toContain("— Acme & Sons");
    }
  });

  it("order_confirmed holds the lines, totals and address", () => {
    const { text, html } = renderTemplate("order_confirmed", order, shop);
    for (const content of [text, html]) {
      expect(content).toContain("R-000042");
      expect(content).toContain("Linen shirt (Blue / M)");
      expect(content).toContain("LS-BL-M");
      expect(content).toContain("$19.99");
      expect(content).toContain("$10.00");
      expect(content).toContain("$37.39");
      expect(content).toContain("SW1Y 4JH");
    }
    expect(text).toContain("Total: $37.39");
    expect(html).toContain("12 St James&#39;s Square");
    expect(html).toContain('href="https://shop.example/orders/R-000042"');
  });

  it("formats JPY without decimals", () => {
    const jpy = { ...order, currency: "JPY", subtotal: 1500, shipping: 0, tax: 0, total: 1500 };
    expect(renderTemplate("order_confirmed", jpy).text).toContain("Total: ¥1,500");
  });

  it("order_shipped names carrier and tracking number", () => {
    const { text, html } = renderTemplate("order_shipped", samples.order_shipped);
    expect(text).toContain("UPS");
    expect(text).toContain("1Z999AA10123456784");
    expect(html).toContain("https://www.ups.com/track?tracknum=1Z999AA10123456784");
  });

  it("password_reset has the link and the expiry", () => {
    const { text, html } = renderTemplate("password_reset", samples.password_reset);
    expect(text).toContain("https://shop.example/reset?token=abc123");
    expect(text).toContain("Mar 12, 2030, 2:30 PM (UTC)");
    expect(html).toContain('href="https://shop.example/reset?token=abc123"');
  });

  it("payment_failed and refund_issued show the reason and amounts", () => {
    expect(renderTemplate("payment_failed", samples.payment_failed).text).toContain("Reason: Your card was declined.");
    expect(renderTemplate("payment_failed", samples.payment_failed).text).toContain("$37.39");
    expect(renderTemplate("refund_issued", samples.refund_issued).text).toContain("refunded ¥1,500");
  });

  it("escapes every interpolated value in HTML", () => {
    const hostile = {
      ...order,
      customerName: evil,
      orderNumber: `R-1${evil}`,
      lines: [{ ...order.lines[0]!, productName: evil, sku: '"><img src=x onerror=alert(1)>' }],
      shippingAddress: { ...order.shippingAddress, name: evil, city: "<b>Paris</b>" },
    };
    const { html, text } = renderTemplate("order_confirmed", hostile, { shopName: `Shop${evil}` });
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>Paris");
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    expect(html).toContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    expect(text).toContain(evil); // plain text is not HTML
  });

  it("keeps the shipping SMS within one segment", () => {
    const { text } = renderTemplate("order_shipped_sms", samples.order_shipped_sms, shop);
    expect(text).toBe("Acme & Sons: your order R-000042 has shipped with UPS, tracking 1Z999AA10123456784.");
    const long = renderTemplate("order_shipped_sms", {
      ...samples.order_shipped_sms,
      trackingUrl: `https://carrier.example/track/${"x".repeat(120)}`,
    });
    expect(long.text.length).toBeLessThanOrEqual(SMS_SEGMENT_LENGTH);
    expect(long.text).toContain("1Z999AA10123456784");
  });
});

describe("validateTemplateData", () => {
  it("accepts every sample", () => {
    for (const name of templateNames) expect(validateTemplateData(name, samples[name]), name).toEqual([]);
  });

  it("names the missing and malformed fields", () => {
    const { orderNumber: _, ...noNumber } = order;
    const broken = {
      ...noNumber,
      total: 37.39,
      currency: "dollars",
      lines: [{ ...order.lines[0], sku: "" }],
      shippingAddress: { ...order.shippingAddress, city: undefined },
      orderUrl: "javascript:alert(1)",
    };
    expect(validateTemplateData("order_confirmed", broken)).toEqual([
      "orderNumber",
      "lines[0].sku",
      "total",
      "currency",
      "shippingAddress.city",
      "orderUrl",
    ]);
    expect(validateTemplateData("order_confirmed", { ...order, lines: [] })).toEqual(["lines"]);
    expect(validateTemplateData("order_shipped", { orderNumber: "R-1", carrier: "UPS" })).toEqual(["trackingNumber"]);
    expect(validateTemplateData("refund_issued", null)).toEqual(["orderNumber", "amount", "currency"]);
    expect(validateTemplateData("password_reset", { resetUrl: "https://x.example", expiresAt: "soon" })).toEqual([
      "expiresAt",
    ]);
  });

  it("renderTemplate throws TemplateDataError instead of rendering incomplete data", () => {
    const partial = { orderNumber: "R-000042", carrier: "UPS" } as TemplateDataMap["order_shipped"];
    expect(() => renderTemplate("order_shipped", partial)).toThrow(TemplateDataError);
    try {
      renderTemplate("order_shipped", partial);
    } catch (error) {
      expect((error as TemplateDataError).fields).toEqual(["trackingNumber"]);
      expect((error as TemplateDataError).template).toBe("order_shipped");
    }
  });
});
