import type { SubgraphContext } from "@retailer/kit";
import type { Addresses } from "./addresses.js";
import type { Auth } from "./auth/better-auth.js";
import type { UsersDatabase } from "./db/database.js";
import type { Identity } from "./identity.js";
import type { UsersLoaders } from "./loaders.js";

export interface UsersServices {
  auth: Auth;
  identity: Identity;
  addresses: Addresses;
}

export type Context = SubgraphContext<UsersDatabase, UsersLoaders, UsersServices>;
