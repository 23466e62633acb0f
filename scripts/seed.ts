/** `npm run seed`: demo data for a new shop (idempotent: an existing catalog is left alone). */
import { type CatalogDatabase, seedCatalog } from "@retailer/catalog";
import { createDatabase } from "@retailer/kit";
import { migrateAll } from "./migrate.js";

export async function seed(url: string, log: (line: string) => void = console.log): Promise<void> {
  const catalogDb = createDatabase<CatalogDatabase>({ url, schema: "catalog", poolMax: 1 });
  try {
    const written = await seedCatalog(catalogDb.db, process.env.SHOP_CURRENCY ?? "USD");
    log(written ? `seeded the catalog with ${written} products` : "catalog already has products: not seeding");
  } finally {
    await catalogDb.close();
  }
}

if (import.meta.main) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("seed: DATABASE_URL is not set");
    process.exit(1);
  }
  await migrateAll(url, () => {});
  await seed(url);
}
