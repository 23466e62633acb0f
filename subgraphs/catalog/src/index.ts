export type { CatalogDatabase } from "./db/database.js";
export { catalog } from "./service.js";
