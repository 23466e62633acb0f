import { isUuid, loaderById, loaderByParent } from "@retailer/kit";
import type { Kysely } from "kysely";
import { findAddressesByIds, findAddressesByUserIds } from "./db/address.repository.js";
import type { UsersDatabase } from "./db/database.js";
import { findUsersByIds } from "./db/user.repository.js";

export function createLoaders(db: Kysely<UsersDatabase>) {
  return {
    user: loaderById((ids) => findUsersByIds(db, ids)),
    address: loaderById((ids) => findAddressesByIds(db, ids.filter(isUuid))),
    addressesOfUser: loaderByParent(
      (ids: readonly string[]) => findAddressesByUserIds(db, ids),
      (a) => a.user_id,
    ),
  };
}

export type UsersLoaders = ReturnType<typeof createLoaders>;
