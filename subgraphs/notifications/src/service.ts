import type { SubgraphDefinition } from "@retailer/kit";
import type { NotificationsDatabase } from "./db/database.js";
import { migrations } from "./db/migrations/index.js";
import { createLoaders, type NotificationsLoaders } from "./loaders.js";
import { Notification, notificationReference } from "./schema/notification.js";
import { UserNotificationsResolver, userReference } from "./schema/user.js";

export const notifications: SubgraphDefinition<NotificationsDatabase, NotificationsLoaders> = {
  name: "notifications",
  defaultPort: 8086,
  migrations,
  resolvers: [UserNotificationsResolver],
  orphanedTypes: [Notification],
  referenceResolvers: { Notification: notificationReference, User: userReference },
  loaders: createLoaders,
};
