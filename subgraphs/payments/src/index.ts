export type { PaymentsDatabase } from "./db/database.js";
export { payments } from "./service.js";
