import type { SubgraphContext } from "@retailer/kit";
import type { NotificationsDatabase } from "./db/database.js";
import type { Deliverer } from "./delivery/deliverer.js";
import type { JobQueue } from "./delivery/jobs.js";
import type { NotificationHandlers } from "./handlers.js";
import type { NotificationsLoaders } from "./loaders.js";

export interface NotificationsServices {
  /** Domain events in, stored messages and delivery jobs out. */
  handlers: NotificationHandlers;
  /** Sends one message per delivery job. */
  deliverer: Deliverer;
  /** The service's own pg-boss queues (delivery, dead letters). */
  jobs: JobQueue;
}

export type Context = SubgraphContext<NotificationsDatabase, NotificationsLoaders, NotificationsServices>;
