import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { DomainEvent, EventType } from "@retailer/kit";
import type { Session, Stack } from "@retailer/testing";
import { type Kysely, sql } from "kysely";
import type { NotificationsServices } from "../src/context.js";
import type { NotificationRow, NotificationsDatabase } from "../src/db/database.js";

/** Test helpers over a running stack with the notifications subgraph. */
export function notificationsHelpers(stack: () => Stack) {
  const subgraph = () => {
    const running = stack().subgraphs.notifications;
    if (!running) throw new Error("no notifications subgraph in the stack");
    return running;
  };
  const db = () => subgraph().database.db as Kysely<NotificationsDatabase>;
  const services = () => subgraph().services as NotificationsServices;

  /** Polls `read` until `done` holds (never a fixed sleep); fails naming what it waited for. */
  async function eventually<T>(
    what: string,
    read: () => Promise<T>,
    done: (value: T) => boolean,
    timeoutMs = 25_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
      await sleep(100);
    }
  }

  const messages = (where: { orderId?: string; userId?: string; template?: string; recipient?: string }) => {
    let q = db().selectFrom("notification").selectAll();
    if (where.orderId) q = q.where("order_id", "=", where.orderId);
    if (where.userId) q = q.where("user_id", "=", where.userId);
    if (where.template) q = q.where("template", "=", where.template);
    if (where.recipient) q = q.where("recipient", "=", where.recipient);
    return q.orderBy("created_at").orderBy("channel").execute();
  };

  const allSettled = (rows: NotificationRow[]) => rows.length > 0 && rows.every((r) => r.status !== "QUEUED");

  /** Publishes an event as its producer would: inside a transaction, through the bus. */
  const publish = (type: EventType, data: Record<string, unknown>): Promise<DomainEvent> =>
    db()
      .transaction()
      .execute((trx) => subgraph().bus.publish(trx, type, data));

  /** An envelope like the bus makes, not yet published (to hand to a handler directly). */
  const envelope = (type: EventType, data: Record<string, unknown>): DomainEvent => ({
    id: randomUUID(),
    type,
    source: "test",
    occurredAt: new Date().toISOString(),
    data,
  });

  /** Whether the event was handled (or dead-lettered) by notifications. */
  const processed = async (eventId: string): Promise<string[]> =>
    (await db().selectFrom("processed_event").select("handler").where("event_id", "=", eventId).execute()).map(
      (r) => r.handler,
    );

  /** Jobs in a pg-boss queue whose data matches `field = value`. */
  async function jobs(queue: string, field: string, value: string): Promise<{ id: string; state: string }[]> {
    const { rows } = await sql<{ id: string; state: string }>`
      select id, state from bus.job where name = ${queue} and data->>${field} = ${value}`.execute(db());
    return rows;
  }

  /** Waits until no message is waiting for delivery (so scripted provider answers reach the next one). */
  const settle = () =>
    eventually(
      "every message delivered",
      async () =>
        Number(
          (
            await db()
              .selectFrom("notification")
              .select((eb) => eb.fn.countAll<number>().as("n"))
              .where("status", "=", "QUEUED")
              .executeTakeFirstOrThrow()
          ).n,
        ),
      (n) => n === 0,
    );

  /** A new customer whose welcome mail went out already. */
  async function customer(name = "Ada Lovelace"): Promise<Session> {
    const session = await stack().signUp(name);
    await eventually("the welcome mail", () => messages({ userId: session.userId, template: "welcome" }), allSettled);
    return session;
  }

  return { db, services, eventually, messages, allSettled, publish, envelope, processed, jobs, settle, customer };
}

/** An order.status_changed payload as orders publishes it; a guest's PAID order unless overridden. */
export function orderChange(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderId: randomUUID(),
    number: "R-000042",
    customerId: null,
    email: "guest@example.com",
    from: "PENDING_PAYMENT",
    to: "PAID",
    at: new Date().toISOString(),
    currency: "USD",
    subtotal: 4000,
    shipping: 500,
    tax: 342,
    total: 4842,
    lines: [
      {
        productName: "Linen Shirt",
        variantName: "M / Blue",
        sku: "SHIRT-M-BLU",
        quantity: 2,
        unitPrice: 1500,
        lineTotal: 3000,
      },
      { productName: "Canvas Tote", variantName: null, sku: "TOTE-1", quantity: 1, unitPrice: 1000, lineTotal: 1000 },
    ],
    shippingAddress: {
      name: "Grace Hopper",
      line1: "1 Harbour Road",
      line2: null,
      city: "Arlington",
      region: "VA",
      postalCode: "22201",
      country: "US",
      phone: null,
    },
    ...overrides,
  };
}

export const PREFERENCES = `mutation Prefs($input: NotificationPreferencesInput!) {
  updateNotificationPreferences(input: $input) { preferences { email sms } userErrors { code field message } }
}`;

export const MY_NOTIFICATIONS = `query Mine($first: Int, $after: String) {
  me {
    id
    notificationPreferences { email sms }
    notifications(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id template channel recipient subject body status attempts lastError orderId createdAt sentAt }
    }
  }
}`;

export const ADMIN_NOTIFICATIONS = `query All($filter: NotificationFilterInput, $first: Int, $after: String) {
  notifications(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id template channel recipient status attempts body }
  }
}`;

export interface MyNotifications {
  me: {
    id: string;
    notificationPreferences: { email: boolean; sms: boolean };
    notifications: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: {
        id: string;
        template: string;
        channel: string;
        recipient: string;
        subject: string | null;
        body: string;
        status: string;
        attempts: number;
        lastError: string | null;
        orderId: string | null;
      }[];
    };
  } | null;
}

export interface AdminNotifications {
  notifications: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: { id: string; template: string; channel: string; recipient: string; status: string; body: string }[];
  };
}
