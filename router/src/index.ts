export * from "./compose.js";
export * from "./gateway.js";
export * from "./router.js";
