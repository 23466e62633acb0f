import { type AddressInput, isUuid, type Kysely, UserErrors, userError, validateAddress } from "@retailer/kit";
import {
  type AddressValues,
  clearDefaultAddress,
  countAddresses,
  deleteAddressRow,
  insertAddress,
  lockOwnedAddress,
  promoteOldestAddress,
  updateAddressRow,
} from "./db/address.repository.js";
import type { AddressRow, UsersDatabase } from "./db/database.js";
import { lockUser } from "./db/user.repository.js";

export const MAX_ADDRESSES = 50;

const notFound = () => new UserErrors(userError("NOT_FOUND", "No such address.", ["id"]));

function clean(input: AddressInput): AddressValues {
  const { address, errors } = validateAddress(input, ["input"]);
  if (!address) throw new UserErrors(errors);
  return {
    name: address.name,
    line1: address.line1,
    line2: address.line2,
    city: address.city,
    region: address.region,
    postal_code: address.postalCode,
    country: address.country,
    phone: address.phone,
    is_default: input.isDefault === true,
  };
}

/**
 * A customer's saved addresses: at most one default (the first address is
 * it), someone else's address is NOT_FOUND, every change in one transaction.
 */
export class Addresses {
  constructor(private readonly db: Kysely<UsersDatabase>) {}

  add(userId: string, input: AddressInput): Promise<AddressRow> {
    const values = clean(input);
    return this.db.transaction().execute(async (trx) => {
      // One change at a time per customer: the first address must become the default exactly once.
      await lockUser(trx, userId);
      const count = await countAddresses(trx, userId);
      if (count >= MAX_ADDRESSES) {
        throw new UserErrors(userError("LIMIT_REACHED", `At most ${MAX_ADDRESSES} addresses can be saved.`));
      }
      const isDefault = values.is_default || count === 0;
      if (isDefault) await clearDefaultAddress(trx, userId);
      return insertAddress(trx, userId, { ...values, is_default: isDefault });
    });
  }

  update(userId: string, id: string, input: AddressInput): Promise<AddressRow> {
    const values = clean(input);
    return this.db.transaction().execute(async (trx) => {
      const current = isUuid(id) ? await lockOwnedAddress(trx, userId, id) : undefined;
      if (!current) throw notFound();
      // Unchecking the default keeps it: some address stays the default.
      const isDefault = values.is_default || current.is_default;
      if (isDefault && !current.is_default) await clearDefaultAddress(trx, userId);
      return updateAddressRow(trx, id, { ...values, is_default: isDefault });
    });
  }

  remove(userId: string, id: string): Promise<string> {
    return this.db.transaction().execute(async (trx) => {
      const current = isUuid(id) ? await lockOwnedAddress(trx, userId, id) : undefined;
      if (!current) throw notFound();
      await deleteAddressRow(trx, id);
      if (current.is_default) await promoteOldestAddress(trx, userId);
      return id;
    });
  }
}
