import type { SubgraphDefinition } from "@retailer/kit";
import type { UsersDatabase } from "./db/database.js";
import { migrations } from "./db/migrations/index.js";
import { createLoaders, type UsersLoaders } from "./loaders.js";
import { addressReference } from "./schema/address.js";
import { UserResolver, userReference } from "./schema/user.js";

export const users: SubgraphDefinition<UsersDatabase, UsersLoaders> = {
  name: "users",
  defaultPort: 8081,
  migrations,
  resolvers: [UserResolver],
  referenceResolvers: { User: userReference, Address: addressReference },
  loaders: createLoaders,
};
