/**
 * A provider did not accept a message. `retryable` says whether trying again
 * later may succeed (rate limits, 5xx, network) or not (invalid recipient,
 * bad credentials). The message holds no secrets and is safe to store as the
 * notification's lastError.
 */
export class DeliveryError extends Error {
  readonly provider: string;
  readonly retryable: boolean;
  /** The provider's HTTP status; null when there was no answer. */
  readonly status: number | null;
  /** The provider's error code or name, e.g. "validation_error" or "21211". */
  readonly code: string | null;

  constructor(
    message: string,
    options: { provider: string; retryable: boolean; status?: number | null; code?: string | null; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DeliveryError";
    this.provider = options.provider;
    this.retryable = options.retryable;
    this.status = options.status ?? null;
    this.code = options.code ?? null;
  }
}

/** A provider's text made fit for a log line and a database column: one line, printable, bounded. */
export function safeText(value: unknown, max = 300): string {
  const text = typeof value === "string" ? value : "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
