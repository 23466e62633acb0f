import type { Logger } from "@retailer/kit";
import type { Kysely } from "kysely";
import { DeliveryError, type SelectedChannels } from "../channels/index.js";
import type { NotificationRow, NotificationsDatabase } from "../db/database.js";
import { lockNotification, recordFailure, recordSent } from "../db/notification.repository.js";
import { escapeHtml } from "../templates/index.js";
import type { JobInfo, JobOutcome } from "./jobs.js";

/** The queue of delivery jobs: one job per message. */
export const DELIVERY_QUEUE = "notifications.deliver";
export const DELIVERY_DEAD_LETTER_QUEUE = `${DELIVERY_QUEUE}.dead`;

export interface DeliveryJob {
  notificationId: string;
  /** What to send instead of the stored (redacted) body: a reset link is sent, never stored. */
  content?: { text: string; html: string | null };
}

/**
 * Sends one message per job. The message row is locked for the attempt, so
 * two jobs for one message never send at once; a message already SENT is
 * never sent again; every try counts in `attempts` and leaves its error in
 * `last_error`. Provider errors that cannot succeed later (a 422, an invalid
 * number) and the last allowed attempt end the message FAILED and the job in
 * the dead-letter queue. Resend gets the message id as its idempotency key, so
 * a retry after a lost answer does not mail twice.
 */
export class Deliverer {
  constructor(
    private readonly db: Kysely<NotificationsDatabase>,
    private readonly channels: SelectedChannels,
    private readonly log: Logger,
    /** Counts each message sent, and each failed for good. */
    private readonly count: (channel: string, status: "sent" | "failed") => void = () => {},
  ) {}

  deliver(job: JobInfo<DeliveryJob>): Promise<JobOutcome> {
    const id = job.data.notificationId;
    return this.db.transaction().execute(async (trx) => {
      const message = await lockNotification(trx, id);
      if (!message) {
        this.log.warn({ notificationId: id }, "delivery job for a message that does not exist");
        return { status: "completed" };
      }
      if (message.status === "SENT") return { status: "completed" };
      const attempts = message.attempts + 1;
      const provider = message.channel === "EMAIL" ? this.channels.email.provider : this.channels.sms.provider;
      try {
        const { providerId } = await this.#send(message, job.data.content);
        await recordSent(trx, id, { attempts, provider, providerId, sentAt: new Date() });
        this.count(message.channel, "sent");
        this.log.info(
          { notificationId: id, template: message.template, channel: message.channel, provider, attempts },
          "message sent",
        );
        return { status: "completed" };
      } catch (error) {
        const lastError = describe(error);
        const retryable = !(error instanceof DeliveryError) || error.retryable;
        const final = !retryable || job.retryCount >= job.retryLimit;
        await recordFailure(trx, id, { attempts, lastError, provider, final });
        if (final) this.count(message.channel, "failed");
        this.log.warn(
          { notificationId: id, template: message.template, channel: message.channel, attempts, final, lastError },
          final ? "message failed for good" : "message failed, will retry",
        );
        return final ? { status: "dead", error: lastError } : { status: "retry", error: lastError };
      }
    });
  }

  #send(message: NotificationRow, content: DeliveryJob["content"]) {
    const text = content?.text ?? message.body;
    if (message.channel === "SMS") {
      return this.channels.sms.send({ to: message.recipient, body: text, idempotencyKey: message.id });
    }
    return this.channels.email.send({
      to: message.recipient,
      from: this.channels.emailFrom,
      subject: message.subject ?? "",
      text,
      html: content?.html ?? message.html ?? `<pre>${escapeHtml(text)}</pre>`,
      idempotencyKey: message.id,
    });
  }
}

/** One line for last_error: a DeliveryError's message is safe to store; anything else is named, not dumped. */
function describe(error: unknown): string {
  if (error instanceof DeliveryError) return error.message;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/\s+/g, " ").slice(0, 300);
}
