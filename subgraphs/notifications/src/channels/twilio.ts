import { DeliveryError, safeText } from "./delivery-error.js";
import type { SendResult, SmsChannel, SmsMessage } from "./types.js";

export interface TwilioSmsChannelOptions {
  accountSid: string;
  authToken: string;
  /** A Twilio phone number in E.164, or a Messaging Service SID (MG...). */
  from: string;
  /** Default https://api.twilio.com. */
  baseUrl?: string;
  /** Give up on an answer after this long (a retryable failure); default 10 s. */
  timeoutMs?: number;
}

interface TwilioAnswer {
  sid?: unknown;
  code?: unknown;
  message?: unknown;
}

async function readJson(response: Response): Promise<TwilioAnswer> {
  const text = await response.text();
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as TwilioAnswer) : {};
  } catch {
    return {};
  }
}

/**
 * SMS through Twilio's Messages REST API over fetch. 4xx answers are final
 * except 429; 5xx, timeouts and network failures are retryable. Twilio's
 * Messages API takes no idempotency key: a retry after a timeout whose request
 * did reach Twilio can send the SMS twice.
 */
export class TwilioSmsChannel implements SmsChannel {
  readonly provider = "twilio";
  private readonly url: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: TwilioSmsChannelOptions) {
    const base = (options.baseUrl ?? "https://api.twilio.com").replace(/\/+$/, "");
    this.url = `${base}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
    this.authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString("base64")}`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async send(message: SmsMessage): Promise<SendResult> {
    const form = new URLSearchParams({ To: message.to, Body: message.body });
    form.set(this.options.from.startsWith("MG") ? "MessagingServiceSid" : "From", this.options.from);
    let response: Response;
    let answer: TwilioAnswer;
    try {
      response = await fetch(this.url, {
        method: "POST",
        headers: {
          authorization: this.authorization,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: form,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      answer = await readJson(response);
    } catch (cause) {
      const timedOut = cause instanceof Error && cause.name === "TimeoutError";
      const message = timedOut ? `twilio: no answer within ${this.timeoutMs} ms` : "twilio: request failed (network)";
      throw new DeliveryError(message, { provider: this.provider, retryable: true, cause });
    }
    if (!response.ok) {
      const code = typeof answer.code === "number" || typeof answer.code === "string" ? String(answer.code) : null;
      const detail = safeText(answer.message) || safeText(response.statusText) || "error";
      throw new DeliveryError(`twilio ${response.status}${code ? ` (code ${code})` : ""}: ${detail}`, {
        provider: this.provider,
        retryable: response.status === 429 || response.status >= 500,
        status: response.status,
        code,
      });
    }
    if (typeof answer.sid !== "string" || answer.sid === "") {
      throw new DeliveryError("twilio: answer without a message sid", { provider: this.provider, retryable: false });
    }
    return { providerId: answer.sid };
  }
}
