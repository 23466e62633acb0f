import type { Migration } from "kysely/migration";
import * as m0001 from "./0001-notifications.js";
import * as m0002 from "./0002-delivery.js";
import * as m0003 from "./0003-cursor-precision.js";

/** In order; names never change once released. */
export const migrations: Record<string, Migration> = {
  "0001-notifications": m0001,
  "0002-delivery": m0002,
  "0003-cursor-precision": m0003,
};
