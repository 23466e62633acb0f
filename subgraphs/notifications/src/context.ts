import type { SubgraphContext } from "@retailer/kit";
import type { NotificationsDatabase } from "./db/database.js";
import type { NotificationsLoaders } from "./loaders.js";

export type Context = SubgraphContext<NotificationsDatabase, NotificationsLoaders>;
