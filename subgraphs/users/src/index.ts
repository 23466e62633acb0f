export type { UsersDatabase } from "./db/database.js";
export { users } from "./service.js";
