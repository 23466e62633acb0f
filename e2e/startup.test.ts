import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Runs a service entry point as the launcher does; resolves with its exit code and stderr. */
function run(entry: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--conditions=retailer-source", "--import", "tsx", entry], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

describe("a service with a broken environment", () => {
  it("exits at start naming the variable", async () => {
    const { code, stderr } = await run("subgraphs/catalog/src/main.ts", {
      DATABASE_URL: "not a url",
      CATALOG_PORT: "99999",
    });
    expect(code).toBe(1);
    expect(stderr).toContain("catalog: cannot start");
    expect(stderr).toContain("DATABASE_URL");
    expect(stderr).toContain("PORT");
  });

  it("the router too", async () => {
    const { code, stderr } = await run("router/src/main.ts", { ROUTER_PORT: "-1", LOG_LEVEL: "loud" });
    expect(code).toBe(1);
    expect(stderr).toContain("router: cannot start");
    expect(stderr).toContain("LOG_LEVEL");
  });
});
