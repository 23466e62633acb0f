import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";

export const ROOT = path.resolve(import.meta.dirname, "..");

export interface SupergraphConfig {
  federation_version: string;
  subgraphs: Record<string, { routing_url: string; schema: { file: string } }>;
}

/** Reads supergraph.yaml (rover's format), checking the fields we rely on. */
export async function readSupergraphConfig(file = path.join(ROOT, "supergraph.yaml")): Promise<SupergraphConfig> {
  const config = parse(await readFile(file, "utf8")) as Partial<SupergraphConfig> | null;
  if (!config?.subgraphs || typeof config.subgraphs !== "object") {
    throw new Error(`${file}: no subgraphs`);
  }
  for (const [name, sub] of Object.entries(config.subgraphs)) {
    if (!sub?.routing_url || !sub.schema?.file)
      throw new Error(`${file}: subgraph ${name} needs routing_url and schema.file`);
  }
  return config as SupergraphConfig;
}
