import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * Typed clients: GraphQL Code Generator's client preset turns the operations
 * in e2e/documents/*.graphql into typed documents in e2e/generated/, checked
 * against the client-facing schema the router serves (router/schema.graphql).
 * `persisted-documents.json` there is a ready TRUSTED_DOCUMENTS manifest.
 * Run: npx graphql-codegen --config codegen.ts (part of `npm run generate`).
 */
const config: CodegenConfig = {
  schema: "router/schema.graphql",
  documents: ["e2e/documents/**/*.graphql"],
  ignoreNoDocuments: false,
  // ESM: relative imports with their .js suffix.
  emitLegacyCommonJSImports: false,
  generates: {
    "e2e/generated/": {
      preset: "client",
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { mode: "embedHashInDocument", hashAlgorithm: "sha256" },
      },
      config: {
        documentMode: "string",
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: "string" },
      },
    },
  },
};

export default config;
