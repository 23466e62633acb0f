export type { NotificationsDatabase } from "./db/database.js";
export { notifications } from "./service.js";
