/**
 * `npm run migrate`: applies every subgraph's migrations to DATABASE_URL.
 * Services also migrate at start; this lets an operator migrate ahead of a deploy.
 */
import { type AnySubgraph, createDatabase, type Kysely, migrate } from "@retailer/kit";
import { subgraphs } from "./subgraphs.js";

export async function migrateAll(
  url: string,
  log: (line: string) => void = console.log,
  which: readonly AnySubgraph[] = subgraphs,
): Promise<void> {
  for (const definition of which) {
    const database = createDatabase({ url, schema: definition.name, poolMax: 1 });
    try {
      const result = await migrate(database.db as Kysely<unknown>, definition.name, definition.migrations);
      const applied = result.results?.filter((r) => r.status === "Success").map((r) => r.migrationName) ?? [];
      log(`${definition.name}: ${applied.length ? `applied ${applied.join(", ")}` : "up to date"}`);
    } finally {
      await database.close();
    }
  }
}

if (import.meta.main) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("migrate: DATABASE_URL is not set");
    process.exit(1);
  }
  await migrateAll(url);
}
