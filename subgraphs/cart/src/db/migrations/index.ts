import type { Migration } from "kysely/migration";
import * as m0001 from "./0001-cart.js";
import * as m0002 from "./0002-lifecycle.js";

/** In order; names never change once released. */
export const migrations: Record<string, Migration> = {
  "0001-cart": m0001,
  "0002-lifecycle": m0002,
};
