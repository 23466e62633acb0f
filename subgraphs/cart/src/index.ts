export type { CartDatabase } from "./db/database.js";
export { cart } from "./service.js";
