import { z } from "zod";

/**
 * Shipping and tax, per destination country, from configuration
 * (ORDER_PRICING, JSON). Shipping is a flat rate per country, free at or
 * above a threshold of the subtotal; tax is a rate per country applied to
 * subtotal plus shipping (as VAT is in the EU), rounded half up to the minor unit.
 */
const rule = z.object({
  shipping: z.number().int().min(0),
  freeShippingFrom: z.number().int().min(0).nullable().default(null),
  taxRate: z.number().min(0).max(1),
});

export const pricingRules = z.object({
  default: rule,
  countries: z.record(z.string().regex(/^[A-Z]{2}$/), rule.partial()).default({}),
});

export type PricingRules = z.infer<typeof pricingRules>;

export const DEFAULT_PRICING: PricingRules = {
  default: { shipping: 999, freeShippingFrom: 10_000, taxRate: 0 },
  countries: {
    US: { shipping: 599, freeShippingFrom: 5_000, taxRate: 0 },
    DE: { shipping: 499, freeShippingFrom: 5_000, taxRate: 0.19 },
    GB: { shipping: 499, freeShippingFrom: 5_000, taxRate: 0.2 },
    FR: { shipping: 499, freeShippingFrom: 5_000, taxRate: 0.2 },
  },
};

export interface Totals {
  subtotal: number;
  shipping: number;
  tax: number;
  total: number;
}

export function priceOrder(
  lines: { unitPrice: number; quantity: number }[],
  country: string,
  rules: PricingRules,
): Totals {
  const r = { ...rules.default, ...rules.countries[country] };
  const subtotal = lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
  const shipping = r.freeShippingFrom !== null && subtotal >= r.freeShippingFrom ? 0 : r.shipping;
  const tax = Math.round((subtotal + shipping) * r.taxRate);
  return { subtotal, shipping, tax, total: subtotal + shipping + tax };
}
