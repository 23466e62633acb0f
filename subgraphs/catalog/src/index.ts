export type { CatalogDatabase } from "./db/database.js";
export { seedCatalog } from "./seed.js";
export { catalog } from "./service.js";
