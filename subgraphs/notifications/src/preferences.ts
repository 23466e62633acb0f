import type { ChannelName } from "./db/database.js";

export interface Preferences {
  /** Order and account emails. */
  email: boolean;
  /** Shipping updates by SMS, to the profile's phone. */
  sms: boolean;
}

/** What a customer who never chose gets: email yes, SMS only after opting in. */
export const DEFAULT_PREFERENCES: Readonly<Preferences> = Object.freeze({ email: true, sms: false });

/** Sent whatever the preferences: a customer who cannot sign in must be able to get back in. */
export const ALWAYS_SENT: readonly string[] = ["password_reset"];

/**
 * Whether a message may go out. `preferences` is null for a guest (no
 * account, nothing chosen): guests get email, never SMS (no opt-in).
 * email=false stops every email but password reset (order mail, payment and
 * refund mail, and the welcome mail, which in practice precedes any choice).
 */
export function allows(template: string, channel: ChannelName, preferences: Preferences | null): boolean {
  if (ALWAYS_SENT.includes(template)) return true;
  if (preferences === null) return channel === "EMAIL";
  return channel === "EMAIL" ? preferences.email : preferences.sms;
}

/**
 * A phone number as SMS providers want it (E.164: +4930123456), from what a
 * profile holds ("+49 30 123456", "0049 (30) 123-456"); null when it has no
 * country code, since guessing one could text a stranger.
 */
export function toE164(phone: string | null | undefined): string | null {
  if (!phone) return null;
  let digits = phone.trim().replace(/[\s().-]/g, "");
  if (digits.startsWith("00")) digits = `+${digits.slice(2)}`;
  return /^\+[1-9]\d{6,14}$/.test(digits) ? digits : null;
}
