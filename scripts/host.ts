/**
 * Runs several subgraphs in one Node process, each exactly as it runs alone:
 * its own port, configuration, connection pool, schema, event workers and
 * /health, /ready, /metrics. They share only the process (modules, heap,
 * event loop), so six cost about a quarter of the memory of six processes
 * (docs/operations.md). The launcher (`npm start`) hosts all six this way by
 * default; deployments run one service per container and scale them apart.
 *
 * SUBGRAPHS=users,catalog picks which (default: all six). With
 * HOST_SEED=true the process migrates every hosted schema first and seeds
 * demo data into an empty catalog (what the launcher asks for).
 */
import { type AnySubgraph, runMain, startSubgraph } from "@retailer/kit";
import { migrateAll } from "./migrate.js";
import { seed } from "./seed.js";
import { subgraphs } from "./subgraphs.js";

export function pickSubgraphs(list: string | undefined): AnySubgraph[] {
  if (!list?.trim()) return subgraphs;
  const names = list.split(",").map((name) => name.trim());
  const unknown = names.filter((name) => !subgraphs.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw new Error(`SUBGRAPHS: no subgraph named ${unknown.join(", ")} (known: ${subgraphs.map((s) => s.name)})`);
  }
  return subgraphs.filter((s) => names.includes(s.name));
}

if (import.meta.main) {
  runMain("subgraphs", async () => {
    const hosted = pickSubgraphs(process.env.SUBGRAPHS);
    if (hosted.length > 1 && process.env.PORT) {
      throw new Error("PORT would be claimed by every hosted subgraph: give each its <NAME>_PORT instead");
    }
    const url = process.env.DATABASE_URL;
    // Seeding needs catalog's tables first, so every schema is migrated here; the services then need not.
    const migrated = process.env.HOST_SEED === "true" && url !== undefined;
    if (migrated) {
      await migrateAll(url, () => {}, hosted);
      if (hosted.some((s) => s.name === "catalog")) await seed(url, (line) => console.log(line));
    }
    // One after another: each logs its own start, and a failure names the service that failed.
    const running: { stop(): Promise<void> }[] = [];
    try {
      for (const definition of hosted) running.push(await startSubgraph(definition, { migrate: !migrated }));
    } catch (error) {
      await Promise.allSettled(running.map((service) => service.stop()));
      throw error;
    }
    return { stop: async () => void (await Promise.allSettled(running.map((service) => service.stop()))) };
  });
}
