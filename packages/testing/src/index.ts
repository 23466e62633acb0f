export * from "./database.js";
export * from "./stack.js";
