import { isUuid } from "@retailer/kit";
import { z } from "zod";

/**
 * The domain events notifications consumes, checked at runtime: they come
 * from other services and may lack a field. A missing or malformed field is
 * an EventDataError: retrying cannot fix it, so the event is dead-lettered.
 */
export class EventDataError extends Error {
  constructor(
    readonly eventType: string,
    readonly fields: string[],
  ) {
    super(`${eventType}: missing or invalid fields: ${fields.join(", ")}`);
    this.name = "EventDataError";
  }
}

const text = z.string().trim().min(1);
const email = z
  .string()
  .trim()
  .regex(/^[^\s@]+@[^\s@]+$/, "not an email address");
const uuid = z.string().refine(isUuid, "not a uuid");
const minor = z.number().int().min(0);
const currency = z.string().regex(/^[A-Z]{3}$/, "not an ISO 4217 code");
const date = z.string().refine((v) => !Number.isNaN(new Date(v).getTime()), "not a date");
/** An order's number as customers see it (R-000042); a bare sequence number is accepted too. */
const orderNumber = z.union([text, z.number().int().min(0).transform(String)]);

export const userRegistered = z.object({ userId: text, email, name: z.string().nullish() });

export const passwordResetRequested = z.object({
  userId: text,
  email,
  name: z.string().nullish(),
  token: text,
  resetUrl: text,
  expiresInSeconds: z.number().int().positive(),
});

/**
 * What every order.status_changed carries. Lines, totals, the address and
 * tracking are checked by the template that needs them (a PAID event without
 * lines is as invalid as one without a number).
 */
export const orderStatusChanged = z
  .object({
    orderId: uuid,
    number: orderNumber,
    customerId: text.nullable(),
    email,
    from: z.string().nullish(),
    to: text,
    at: date.optional(),
    currency: z.unknown().optional(),
    subtotal: z.unknown().optional(),
    shipping: z.unknown().optional(),
    tax: z.unknown().optional(),
    total: z.unknown().optional(),
    lines: z.unknown().optional(),
    shippingAddress: z.record(z.string(), z.unknown()).nullish(),
    carrier: z.string().nullish(),
    trackingNumber: z.string().nullish(),
    trackingUrl: z.string().nullish(),
    reason: z.string().nullish(),
  })
  .loose();

export const paymentFailed = z.object({
  paymentId: text,
  orderId: uuid,
  /** Not in the event today; used when payments adds it. */
  orderNumber: orderNumber.optional(),
  amount: minor.nullish(),
  currency: currency.nullish(),
  reason: text,
  customerId: text.nullable(),
  email,
});

export const paymentRefunded = z.object({
  paymentId: text,
  orderId: uuid,
  refundId: text,
  orderNumber: orderNumber.optional(),
  amount: minor,
  amountRefunded: minor.optional(),
  currency,
  full: z.boolean().optional(),
});

export type UserRegistered = z.infer<typeof userRegistered>;
export type PasswordResetRequested = z.infer<typeof passwordResetRequested>;
export type OrderStatusChanged = z.infer<typeof orderStatusChanged>;
export type PaymentFailed = z.infer<typeof paymentFailed>;
export type PaymentRefunded = z.infer<typeof paymentRefunded>;

/** The event's data, or EventDataError naming every field at fault ("lines[0].sku" style paths). */
export function parseEvent<S extends z.ZodType>(eventType: string, schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) =>
    issue.path.length === 0
      ? "(data)"
      : issue.path.reduce<string>(
          (out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
          "",
        ),
  );
  throw new EventDataError(eventType, [...new Set(fields)]);
}
