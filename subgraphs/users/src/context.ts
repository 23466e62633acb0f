import type { SubgraphContext } from "@retailer/kit";
import type { UsersDatabase } from "./db/database.js";
import type { UsersLoaders } from "./loaders.js";

export type Context = SubgraphContext<UsersDatabase, UsersLoaders>;
