import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Workspace packages resolve to their TypeScript sources.
    conditions: ["retailer-source"],
    // One copy of graphql: Apollo's CommonJS and vite's ESM would otherwise load two.
    alias: { graphql: require.resolve("graphql") },
  },
  ssr: { resolve: { conditions: ["retailer-source"], externalConditions: ["retailer-source"] } },
  test: {
    include: [
      "packages/*/src/**/*.test.ts",
      "packages/*/test/**/*.test.ts",
      "subgraphs/*/test/**/*.test.ts",
      "subgraphs/*/src/**/*.test.ts",
      "router/test/**/*.test.ts",
      "e2e/**/*.test.ts",
      "scripts/**/*.test.ts",
      "deploy/test/**/*.test.ts",
      "bench/test/**/*.test.ts",
    ],
    setupFiles: ["reflect-metadata"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 3,
  },
});
