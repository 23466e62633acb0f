import type { SubgraphContext } from "@retailer/kit";
import type { PaymentsDatabase } from "./db/database.js";
import type { PaymentsLoaders } from "./loaders.js";

export type Context = SubgraphContext<PaymentsDatabase, PaymentsLoaders>;
