import { randomUUID } from "node:crypto";
import type { EmailChannel, EmailMessage, SendResult, SmsChannel, SmsMessage } from "./types.js";

export type OutboxEntry =
  | {
      channel: "EMAIL";
      providerId: string;
      to: string;
      from: string;
      subject: string;
      text: string;
      idempotencyKey: string;
    }
  | { channel: "SMS"; providerId: string; to: string; body: string; idempotencyKey: string };

/** Where an outbox "sends" to, e.g. `(entry) => logger.info(entry, "outbox message")`. */
export type OutboxLog = (entry: OutboxEntry) => void;

const outboxId = () => `outbox_${randomUUID()}`;

/** Development email: nothing leaves the machine; the message is logged (and stored as SENT by the service). */
export class OutboxEmailChannel implements EmailChannel {
  readonly provider = "outbox";
  constructor(private readonly log: OutboxLog) {}

  async send(message: EmailMessage): Promise<SendResult> {
    const providerId = outboxId();
    const { to, from, subject, text, idempotencyKey } = message;
    this.log({ channel: "EMAIL", providerId, to, from, subject, text, idempotencyKey });
    return { providerId };
  }
}

/** Development SMS: logged instead of sent. */
export class OutboxSmsChannel implements SmsChannel {
  readonly provider = "outbox";
  constructor(private readonly log: OutboxLog) {}

  async send(message: SmsMessage): Promise<SendResult> {
    const providerId = outboxId();
    const { to, body, idempotencyKey } = message;
    this.log({ channel: "SMS", providerId, to, body, idempotencyKey });
    return { providerId };
  }
}
