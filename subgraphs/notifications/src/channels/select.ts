import { ConfigError } from "@retailer/kit";
import { OutboxEmailChannel, type OutboxLog, OutboxSmsChannel } from "./outbox.js";
import { ResendEmailChannel } from "./resend.js";
import { TwilioSmsChannel } from "./twilio.js";
import type { EmailChannel, SmsChannel } from "./types.js";

/** The environment variables the channels read; unset or empty means absent. */
export interface ChannelSettings {
  RESEND_API_KEY?: string | undefined;
  RESEND_BASE_URL?: string | undefined;
  EMAIL_FROM?: string | undefined;
  SMS_TWILIO_ACCOUNT_SID?: string | undefined;
  SMS_TWILIO_AUTH_TOKEN?: string | undefined;
  SMS_FROM?: string | undefined;
  SMS_TWILIO_BASE_URL?: string | undefined;
}

export interface SelectedChannels {
  email: EmailChannel;
  sms: SmsChannel;
  /** EMAIL_FROM, or a placeholder for the outbox. */
  emailFrom: string;
}

export const OUTBOX_EMAIL_FROM = "no-reply@localhost";

const value = (v: string | undefined): string | undefined => (v?.trim() ? v.trim() : undefined);

const consoleLog: OutboxLog = (entry) => console.info(JSON.stringify({ msg: "outbox message", ...entry }));

/**
 * Resend when RESEND_API_KEY is set (EMAIL_FROM is then required), Twilio
 * when its account SID and auth token are set (SMS_FROM is then required),
 * the development outboxes otherwise. Throws ConfigError naming what is missing.
 */
export function selectChannels(config: ChannelSettings, log: OutboxLog = consoleLog): SelectedChannels {
  const issues: string[] = [];
  const apiKey = value(config.RESEND_API_KEY);
  const emailFrom = value(config.EMAIL_FROM);
  if (apiKey && !emailFrom) issues.push("EMAIL_FROM: required when RESEND_API_KEY is set");

  const accountSid = value(config.SMS_TWILIO_ACCOUNT_SID);
  const authToken = value(config.SMS_TWILIO_AUTH_TOKEN);
  const smsFrom = value(config.SMS_FROM);
  if (accountSid && !authToken) issues.push("SMS_TWILIO_AUTH_TOKEN: required when SMS_TWILIO_ACCOUNT_SID is set");
  if (authToken && !accountSid) issues.push("SMS_TWILIO_ACCOUNT_SID: required when SMS_TWILIO_AUTH_TOKEN is set");
  if (accountSid && authToken && !smsFrom) issues.push("SMS_FROM: required when Twilio is configured");
  if (issues.length > 0) throw new ConfigError(issues);

  const resendBaseUrl = value(config.RESEND_BASE_URL);
  const twilioBaseUrl = value(config.SMS_TWILIO_BASE_URL);
  const email =
    apiKey && emailFrom
      ? new ResendEmailChannel({ apiKey, ...(resendBaseUrl ? { baseUrl: resendBaseUrl } : {}) })
      : new OutboxEmailChannel(log);
  const sms =
    accountSid && authToken && smsFrom
      ? new TwilioSmsChannel({
          accountSid,
          authToken,
          from: smsFrom,
          ...(twilioBaseUrl ? { baseUrl: twilioBaseUrl } : {}),
        })
      : new OutboxSmsChannel(log);
  return { email, sms, emailFrom: emailFrom ?? OUTBOX_EMAIL_FROM };
}
