import {
  type DomainEvent,
  deadLetterQueue,
  type EventType,
  firstDelivery,
  type Logger,
  queueName,
} from "@retailer/kit";
import type { Kysely } from "kysely";
import type { CustomerDirectory } from "./customers.js";
import type { NotificationsDatabase, OrderContactRow } from "./db/database.js";
import { insertNotification } from "./db/notification.repository.js";
import { findOrderContact, saveOrderContact } from "./db/order-contact.repository.js";
import { findPreferences } from "./db/preference.repository.js";
import { wasProcessed } from "./db/processed-event.repository.js";
import { DELIVERY_QUEUE, type DeliveryJob } from "./delivery/deliverer.js";
import type { JobQueue } from "./delivery/jobs.js";
import {
  EventDataError,
  orderStatusChanged,
  parseEvent,
  passwordResetRequested,
  paymentFailed,
  paymentRefunded,
  userRegistered,
} from "./events.js";
import {
  orderStatusDrafts,
  orderTemplatesFor,
  type PlannedMessage,
  passwordResetDrafts,
  paymentFailedDrafts,
  planMessages,
  type Recipient,
  refundIssuedDrafts,
  welcomeDrafts,
} from "./messages.js";
import { DEFAULT_PREFERENCES, type Preferences, toE164 } from "./preferences.js";
import { type RenderOptions, TemplateDataError } from "./templates/index.js";

/** The events this service turns into messages (kit's EVENT_TOPOLOGY lists notifications for each). */
export const CONSUMED_EVENTS = [
  "user.registered",
  "user.password_reset_requested",
  "order.status_changed",
  "payment.failed",
  "payment.refunded",
] as const satisfies readonly EventType[];

/**
 * A payment event about an order this service has not heard of yet (its
 * order.status_changed is still on its way): retryable, the bus tries again
 * with backoff.
 */
export class OrderNotKnownError extends Error {
  constructor(readonly orderId: string) {
    super(`order ${orderId} is not known yet (no order.status_changed seen): retrying`);
    this.name = "OrderNotKnownError";
  }
}

/** How long a delivery job carrying a secret (a reset link) is kept after it completes. */
const SECRET_JOB_RETENTION_SECONDS = 3600;

interface Prepared {
  order?: OrderContactRow;
  messages: PlannedMessage[];
}

export interface NotificationHandlersOptions {
  db: Kysely<NotificationsDatabase>;
  jobs: JobQueue;
  customers: CustomerDirectory;
  log: Logger;
  render: RenderOptions;
  /** SHOP_URL, linked from the welcome mail. */
  shopUrl: string | null;
}

/**
 * Turns domain events into stored messages and their delivery jobs, once per
 * event: (event id, type) is marked in processed_event in the same
 * transaction that inserts the messages and enqueues their jobs, and the
 * messages' unique (dedupe_key, template, channel) holds even when the same
 * change arrives under two event ids. An event with a missing or malformed
 * field is logged and put in its dead-letter queue at once, not retried.
 */
export class NotificationHandlers {
  readonly #db: Kysely<NotificationsDatabase>;
  readonly #log: Logger;

  constructor(private readonly options: NotificationHandlersOptions) {
    this.#db = options.db;
    this.#log = options.log.child({ component: "events" });
  }

  /** Handles one delivery of an event; safe to call again (or concurrently) with the same event. */
  async handle(event: DomainEvent): Promise<void> {
    if (await wasProcessed(this.#db, event.id, event.type)) return;
    let prepared: Prepared;
    try {
      prepared = await this.#prepare(event);
    } catch (error) {
      if (error instanceof EventDataError || error instanceof TemplateDataError) {
        await this.#deadLetter(event, error);
        return;
      }
      throw error;
    }
    const created = await this.#db.transaction().execute(async (trx) => {
      if (!(await firstDelivery(trx as unknown as Kysely<unknown>, event.id, event.type))) return [];
      if (prepared.order) await saveOrderContact(trx, prepared.order);
      const ids: string[] = [];
      for (const message of prepared.messages) {
        const id = await insertNotification(trx, message.row);
        if (!id) continue;
        const job: DeliveryJob = {
          notificationId: id,
          ...(message.sendContent ? { content: message.sendContent } : {}),
        };
        await this.options.jobs.send(DELIVERY_QUEUE, job, {
          trx,
          ...(message.sendContent ? { deleteAfterSeconds: SECRET_JOB_RETENTION_SECONDS } : {}),
        });
        ids.push(id);
      }
      return ids;
    });
    this.#log.debug({ eventId: event.id, type: event.type, messages: created }, "event handled");
  }

  async #prepare(event: DomainEvent): Promise<Prepared> {
    const { render } = this.options;
    switch (event.type) {
      case "user.registered": {
        const data = parseEvent(event.type, userRegistered, event.data);
        const recipient: Recipient = {
          userId: data.userId,
          email: data.email,
          name: data.name ?? null,
          phone: null,
          preferences: await this.#preferences(data.userId),
        };
        return { messages: planMessages(event.id, recipient, welcomeDrafts(data, this.options.shopUrl), render) };
      }
      case "user.password_reset_requested": {
        const data = parseEvent(event.type, passwordResetRequested, event.data);
        // The account's own address, as users published it; preferences do not apply (see preferences.ts).
        const recipient: Recipient = {
          userId: data.userId,
          email: data.email,
          name: data.name ?? null,
          phone: null,
          preferences: await this.#preferences(data.userId),
        };
        return { messages: planMessages(event.id, recipient, passwordResetDrafts(event, data), render) };
      }
      case "order.status_changed": {
        const data = parseEvent(event.type, orderStatusChanged, event.data);
        const order: OrderContactRow = {
          order_id: data.orderId,
          number: data.number,
          email: data.email,
          customer_id: data.customerId,
          status: data.to,
          status_at: new Date(data.at ?? event.occurredAt),
        };
        if (orderTemplatesFor(data.to).length === 0) return { order, messages: [] };
        const addressName = data.shippingAddress?.name;
        const recipient = await this.#recipient(
          data.customerId,
          data.email,
          typeof addressName === "string" ? addressName : null,
          event,
        );
        return { order, messages: planMessages(event.id, recipient, orderStatusDrafts(data, recipient.name), render) };
      }
      case "payment.failed": {
        const data = parseEvent(event.type, paymentFailed, event.data);
        const orderNumber = data.orderNumber ?? (await findOrderContact(this.#db, data.orderId))?.number;
        if (!orderNumber) throw new OrderNotKnownError(data.orderId);
        const recipient = await this.#recipient(data.customerId, data.email, null, event);
        const drafts = paymentFailedDrafts(event, data, orderNumber, recipient.name);
        return { messages: planMessages(event.id, recipient, drafts, render) };
      }
      case "payment.refunded": {
        const data = parseEvent(event.type, paymentRefunded, event.data);
        // The refund carries neither an email nor an order number: the read model of orders has both.
        const order = await findOrderContact(this.#db, data.orderId);
        if (!order) throw new OrderNotKnownError(data.orderId);
        const recipient = await this.#recipient(order.customer_id, order.email, null, event);
        const drafts = refundIssuedDrafts(data, data.orderNumber ?? order.number, recipient.name);
        return { messages: planMessages(event.id, recipient, drafts, render) };
      }
      default:
        this.#log.warn({ eventId: event.id, type: event.type }, "event type not handled by notifications");
        return { messages: [] };
    }
  }

  /**
   * A guest is mailed at the order's email. A customer is mailed at their
   * account's current email (the order's when the account is gone), greeted by
   * name, texted at their profile's phone, by their preferences.
   */
  async #recipient(
    customerId: string | null,
    orderEmail: string,
    fallbackName: string | null,
    event: DomainEvent,
  ): Promise<Recipient> {
    if (!customerId) return { userId: null, email: orderEmail, name: fallbackName, phone: null, preferences: null };
    const [customers, preferences] = await Promise.all([
      this.options.customers.find([customerId], event.requestId),
      this.#preferences(customerId),
    ]);
    const customer = customers.get(customerId);
    const phone = toE164(customer?.phone);
    if (preferences.sms && customer?.phone && !phone) {
      this.#log.info({ eventId: event.id, customerId }, "no SMS: the profile's phone has no country code");
    }
    return {
      userId: customerId,
      email: customer?.email ?? orderEmail,
      name: customer?.name ?? fallbackName,
      phone,
      preferences,
    };
  }

  async #preferences(userId: string): Promise<Preferences> {
    const [row] = await findPreferences(this.#db, [userId]);
    return row ? { email: row.email, sms: row.sms } : { ...DEFAULT_PREFERENCES };
  }

  /** Retrying cannot fix the event: it goes to its dead-letter queue now, once, and the job completes. */
  async #deadLetter(event: DomainEvent, error: EventDataError | TemplateDataError): Promise<void> {
    const queue = deadLetterQueue(queueName("notifications", event.type));
    this.#log.error(
      { eventId: event.id, type: event.type, fields: error.fields, reason: error.message, deadLetterQueue: queue },
      "invalid event: sent to the dead-letter queue",
    );
    await this.#db.transaction().execute(async (trx) => {
      // A marker of its own: a redrive of the fixed event (same id) is still handled.
      if (!(await firstDelivery(trx as unknown as Kysely<unknown>, event.id, `${event.type}:dead-letter`))) return;
      await this.options.jobs.send(queue, event, { trx });
    });
  }
}
