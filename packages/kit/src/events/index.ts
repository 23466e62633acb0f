export * from "./bus.js";
export * from "./processed.js";
export * from "./topology.js";
