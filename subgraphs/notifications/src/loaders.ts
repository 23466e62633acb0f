import { isUuid, loaderById } from "@retailer/kit";
import type { Kysely } from "kysely";
import type { NotificationsDatabase } from "./db/database.js";
import { findNotificationsByIds } from "./db/notification.repository.js";
import { findPreferences } from "./db/preference.repository.js";

export function createLoaders(db: Kysely<NotificationsDatabase>) {
  return {
    notification: loaderById((ids) => findNotificationsByIds(db, ids.filter(isUuid))),
    /** Stored preferences by user id; null when the user never chose (the defaults apply). */
    preferences: loaderById(async (userIds) =>
      (await findPreferences(db, userIds)).map((row) => ({ id: row.user_id, email: row.email, sms: row.sms })),
    ),
  };
}

export type NotificationsLoaders = ReturnType<typeof createLoaders>;
