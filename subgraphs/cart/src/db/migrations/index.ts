import type { Migration } from "kysely/migration";
import * as m0001 from "./0001-cart.js";

/** In order; names never change once released. */
export const migrations: Record<string, Migration> = {
  "0001-cart": m0001,
};
