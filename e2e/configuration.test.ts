import { readFileSync } from "node:fs";
import path from "node:path";
import { subgraphEnv } from "@retailer/kit";
import { describe, expect, it } from "vitest";
import { routerEnv } from "../router/src/config.js";
import { subgraphs } from "../scripts/subgraphs.js";

const doc = readFileSync(path.resolve(import.meta.dirname, "../docs/configuration.md"), "utf8");

describe("docs/configuration.md", () => {
  it("lists every variable a service reads", () => {
    const names = new Set([
      ...Object.keys(subgraphEnv),
      ...Object.keys(routerEnv),
      ...subgraphs.flatMap((s) => Object.keys(s.env ?? {})),
    ]);
    const missing = [...names].filter((name) => !doc.includes(`\`${name}\``) && !doc.includes(`\`${name}\` /`));
    expect(missing).toEqual([]);
  });
});
