import { describe, expect, it } from "vitest";
import { DEFAULT_PRICING, priceOrder, pricingRules } from "./pricing.js";

describe("priceOrder", () => {
  const lines = [
    { unitPrice: 1500, quantity: 2 },
    { unitPrice: 999, quantity: 1 },
  ];

  it("charges the country's flat shipping below the free threshold and its tax on goods plus shipping", () => {
    expect(priceOrder(lines, "DE", DEFAULT_PRICING)).toEqual({ subtotal: 3999, shipping: 499, tax: 855, total: 5353 });
  });

  it("ships free at or above the threshold", () => {
    expect(priceOrder([{ unitPrice: 5000, quantity: 1 }], "US", DEFAULT_PRICING)).toEqual({
      subtotal: 5000,
      shipping: 0,
      tax: 0,
      total: 5000,
    });
  });

  it("falls back to the default rule for other countries", () => {
    expect(priceOrder(lines, "JP", DEFAULT_PRICING)).toEqual({ subtotal: 3999, shipping: 999, tax: 0, total: 4998 });
  });

  it("rounds tax half up to the minor unit", () => {
    const rules = pricingRules.parse({ default: { shipping: 0, taxRate: 0.075 } });
    expect(priceOrder([{ unitPrice: 10, quantity: 1 }], "US", rules).tax).toBe(1);
    expect(priceOrder([{ unitPrice: 6, quantity: 1 }], "US", rules).tax).toBe(0);
  });

  it("validates configured rules", () => {
    expect(() => pricingRules.parse({ default: { shipping: -1, taxRate: 0 } })).toThrow();
    expect(() => pricingRules.parse({ default: { shipping: 0, taxRate: 2 } })).toThrow();
    expect(() => pricingRules.parse({ default: { shipping: 0, taxRate: 0 }, countries: { germany: {} } })).toThrow();
  });
});
