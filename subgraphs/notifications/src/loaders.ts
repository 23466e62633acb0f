import { isUuid, loaderById } from "@retailer/kit";
import type { Kysely } from "kysely";
import type { NotificationsDatabase } from "./db/database.js";
import { findNotificationsByIds } from "./db/notification.repository.js";

export function createLoaders(db: Kysely<NotificationsDatabase>) {
  return {
    notification: loaderById((ids) => findNotificationsByIds(db, ids.filter(isUuid))),
  };
}

export type NotificationsLoaders = ReturnType<typeof createLoaders>;
