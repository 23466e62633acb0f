import type { Migration } from "kysely/migration";
import * as m0001 from "./0001-orders.js";
import * as m0002 from "./0002-checkout.js";
import * as m0003 from "./0003-abandoned-claims.js";

/** In order; names never change once released. */
export const migrations: Record<string, Migration> = {
  "0001-orders": m0001,
  "0002-checkout": m0002,
  "0003-abandoned-claims": m0003,
};
