import type { Migration } from "kysely/migration";
import * as m0001 from "./0001-payments.js";
import * as m0002 from "./0002-refunds-and-provider-events.js";

/** In order; names never change once released. */
export const migrations: Record<string, Migration> = {
  "0001-payments": m0001,
  "0002-refunds-and-provider-events": m0002,
};
