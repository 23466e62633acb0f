import { businessCounter, type SubgraphDefinition } from "@retailer/kit";
import { z } from "zod";
import { selectChannels } from "./channels/index.js";
import type { NotificationsServices } from "./context.js";
import { CustomerDirectory } from "./customers.js";
import type { NotificationsDatabase } from "./db/database.js";
import { migrations } from "./db/migrations/index.js";
import { DELIVERY_DEAD_LETTER_QUEUE, DELIVERY_QUEUE, Deliverer, type DeliveryJob } from "./delivery/deliverer.js";
import { JobQueue } from "./delivery/jobs.js";
import { CONSUMED_EVENTS, NotificationHandlers } from "./handlers.js";
import { createLoaders, type NotificationsLoaders } from "./loaders.js";
import { AdminNotificationsResolver } from "./schema/admin.js";
import { Notification, notificationReference } from "./schema/notification.js";
import { NotificationPreferencesMutations } from "./schema/preferences.js";
import { User, UserNotificationsResolver, userReference } from "./schema/user.js";

const optional = z.string().trim().optional();

const env = {
  /** Email through Resend when set; otherwise the development outbox (stored as SENT and logged). */
  RESEND_API_KEY: optional,
  /** Resend's API origin (a local fake in tests); default https://api.resend.com. */
  RESEND_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The sender, e.g. `Retailer <orders@shop.example>`; required with RESEND_API_KEY. */
  EMAIL_FROM: optional,
  /** SMS through Twilio when SID and token are set; otherwise the outbox. */
  SMS_TWILIO_ACCOUNT_SID: optional,
  SMS_TWILIO_AUTH_TOKEN: optional,
  /** A Twilio number (E.164) or Messaging Service SID (MG...); required with Twilio. */
  SMS_FROM: optional,
  SMS_TWILIO_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The shop's name in subjects, layouts and SMS. */
  SHOP_NAME: z.string().trim().min(1).max(100).default("Retailer"),
  /** The storefront, linked from the welcome mail. */
  SHOP_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Delivery attempts after the first, before a message is FAILED and its job dead-lettered. */
  NOTIFY_RETRY_LIMIT: z.coerce.number().int().min(0).max(20).default(5),
  /** First retry delay of a delivery, in seconds; doubles (with jitter) each retry. */
  NOTIFY_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** The longest delay between two delivery attempts, in seconds. */
  NOTIFY_RETRY_DELAY_MAX_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3600),
  /** Messages sent at once by one process. */
  NOTIFY_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(2),
};

export const notifications: SubgraphDefinition<
  NotificationsDatabase,
  NotificationsLoaders,
  NotificationsServices,
  typeof env
> = {
  name: "notifications",
  defaultPort: 8086,
  migrations,
  resolvers: [UserNotificationsResolver, NotificationPreferencesMutations, AdminNotificationsResolver],
  orphanedTypes: [Notification, User],
  referenceResolvers: { Notification: notificationReference, User: userReference },
  loaders: createLoaders,
  env,
  setup: async ({ db, config, log, bus, internal, metrics }) => {
    const channels = selectChannels(config, (entry) => log.info({ outbox: entry }, "outbox message"));
    if (channels.email.provider === "outbox") {
      log.warn("RESEND_API_KEY is not set: emails go to the outbox (stored as SENT and logged), none is sent");
    }
    const jobs = new JobQueue({ url: config.DATABASE_URL, service: "notifications", log });
    await jobs.start();
    try {
      await jobs.ensureQueue(DELIVERY_QUEUE, {
        retryLimit: config.NOTIFY_RETRY_LIMIT,
        retryDelay: config.NOTIFY_RETRY_DELAY_SECONDS,
        retryDelayMax: Math.max(config.NOTIFY_RETRY_DELAY_MAX_SECONDS, config.NOTIFY_RETRY_DELAY_SECONDS),
        deadLetter: DELIVERY_DEAD_LETTER_QUEUE,
        // A send takes seconds (providers time out after 10 s); a job active this long was lost.
        expireInSeconds: 300,
      });
    } catch (error) {
      await jobs.stop().catch(() => {});
      throw error;
    }
    const delivered = businessCounter(
      metrics,
      "retailer_notifications_total",
      "Messages sent or failed for good, by channel.",
      ["channel", "status"],
    );
    const deliverer = new Deliverer(db, channels, log.child({ component: "delivery" }), (channel, status) =>
      delivered.inc({ channel, status }),
    );
    const handlers = new NotificationHandlers({
      db,
      jobs,
      customers: new CustomerDirectory(internal),
      log,
      render: { shopName: config.SHOP_NAME },
      shopUrl: config.SHOP_URL ?? null,
    });
    return {
      services: { handlers, deliverer, jobs },
      start: async () => {
        await jobs.work<DeliveryJob>(
          DELIVERY_QUEUE,
          { concurrency: config.NOTIFY_CONCURRENCY, pollSeconds: config.NOTIFY_RETRY_DELAY_SECONDS },
          (job) => deliverer.deliver(job),
        );
        for (const type of CONSUMED_EVENTS) await bus.subscribe(type, (event) => handlers.handle(event));
      },
      onShutdown: () => jobs.stop(),
    };
  },
};
