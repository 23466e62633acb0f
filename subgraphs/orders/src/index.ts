export type { OrdersDatabase } from "./db/database.js";
export { orders } from "./service.js";
