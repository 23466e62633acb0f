import { Resend } from "resend";
import { DeliveryError, safeText } from "./delivery-error.js";
import type { EmailChannel, EmailMessage, SendResult } from "./types.js";

export interface ResendEmailChannelOptions {
  apiKey: string;
  /** API origin, e.g. a local fake in tests; default: RESEND_BASE_URL, else https://api.resend.com (the SDK's rule). */
  baseUrl?: string;
  /** Give up on an answer after this long (a retryable failure); default 10 s. */
  timeoutMs?: number;
}

/** The shape of the SDK's `error` (its type is not exported). */
interface ResendError {
  statusCode?: number | null;
  name?: string;
  message?: string;
}

const retryableNames = new Set([
  "rate_limit_exceeded",
  "daily_quota_exceeded",
  "monthly_quota_exceeded",
  "concurrent_idempotent_requests",
  "application_error",
  "internal_server_error",
]);

/**
 * 429, 5xx and no answer at all (the SDK reports a network failure as
 * application_error with statusCode null) are worth retrying; a 4xx such as
 * 422 validation_error is not, except 409 concurrent_idempotent_requests.
 */
export function isRetryableResendError(error: ResendError): boolean {
  const status = typeof error.statusCode === "number" ? error.statusCode : null;
  if (status === null) return error.name === undefined || retryableNames.has(error.name);
  return status === 429 || status >= 500 || error.name === "concurrent_idempotent_requests";
}

/**
 * Email through Resend's SDK. The SDK does not throw on API errors: it returns
 * `{ data, error }`, and `error` is checked here. Every attempt of a message
 * carries its idempotency key (Resend's Idempotency-Key, kept for 24 hours).
 */
export class ResendEmailChannel implements EmailChannel {
  readonly provider = "resend";
  private readonly client: Resend;
  private readonly timeoutMs: number;

  constructor(options: ResendEmailChannelOptions) {
    if (!options.apiKey) throw new Error("ResendEmailChannel needs an API key");
    const baseUrl = options.baseUrl?.replace(/\/+$/, "");
    this.client = new Resend(options.apiKey, baseUrl ? { baseUrl } : undefined);
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async send(message: EmailMessage): Promise<SendResult> {
    let result: Awaited<ReturnType<Resend["emails"]["send"]>>;
    try {
      result = await this.client.emails.send(
        { from: message.from, to: message.to, subject: message.subject, text: message.text, html: message.html },
        { idempotencyKey: message.idempotencyKey, signal: AbortSignal.timeout(this.timeoutMs) },
      );
    } catch (cause) {
      // The SDK turns most failures into `error`; a timeout while reading the answer still throws.
      throw new DeliveryError("resend: no answer (network failure or timeout)", {
        provider: this.provider,
        retryable: true,
        cause,
      });
    }
    if (result.error) {
      const error = result.error as ResendError;
      const status = typeof error.statusCode === "number" ? error.statusCode : null;
      const name = typeof error.name === "string" ? error.name : null;
      const detail = safeText(error.message) || "unknown error";
      throw new DeliveryError(`resend${status ? ` ${status}` : ""}${name ? ` ${name}` : ""}: ${detail}`, {
        provider: this.provider,
        retryable: isRetryableResendError(error),
        status,
        code: name,
      });
    }
    const id = result.data?.id;
    if (typeof id !== "string" || id === "") {
      // Accepted but unidentifiable: retrying with the same key would only replay this answer.
      throw new DeliveryError("resend: answer without an email id", { provider: this.provider, retryable: false });
    }
    return { providerId: id };
  }
}
