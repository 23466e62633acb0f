import "reflect-metadata";

export * from "./auth/viewer.js";
export * from "./config.js";
export * from "./db.js";
export * from "./errors.js";
export * from "./graphql/federated-schema.js";
export * from "./graphql/shared-types.js";
export * from "./ids.js";
export * from "./loaders.js";
export * from "./logger.js";
export * from "./main.js";
export * from "./metrics.js";
export * from "./pagination.js";
export * from "./request-id.js";
export * from "./server.js";
export * from "./subgraph.js";
