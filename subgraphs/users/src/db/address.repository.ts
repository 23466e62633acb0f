import type { Insertable, Kysely } from "kysely";
import type { AddressRow, AddressTable, UsersDatabase } from "./database.js";

type Db = Kysely<UsersDatabase>;

export const findAddressesByUserIds = (db: Db, userIds: readonly string[]): Promise<AddressRow[]> =>
  db
    .selectFrom("address")
    .selectAll()
    .where("user_id", "in", userIds)
    .orderBy("user_id")
    .orderBy("is_default", "desc")
    .orderBy("created_at")
    .execute();

export const findAddressesByIds = (db: Db, ids: readonly string[]): Promise<AddressRow[]> =>
  db.selectFrom("address").selectAll().where("id", "in", ids).execute();

export type AddressValues = Omit<Insertable<AddressTable>, "id" | "user_id" | "created_at" | "updated_at">;

export const countAddresses = async (db: Db, userId: string): Promise<number> =>
  (
    await db
      .selectFrom("address")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow()
  ).n;

/** The address if it belongs to the user, locked for the rest of the transaction. */
export const lockOwnedAddress = (db: Db, userId: string, id: string): Promise<AddressRow | undefined> =>
  db
    .selectFrom("address")
    .selectAll()
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .forUpdate()
    .executeTakeFirst();

export const clearDefaultAddress = (db: Db, userId: string): Promise<unknown> =>
  db
    .updateTable("address")
    .set({ is_default: false })
    .where("user_id", "=", userId)
    .where("is_default", "=", true)
    .execute();

export const insertAddress = (db: Db, userId: string, values: AddressValues): Promise<AddressRow> =>
  db
    .insertInto("address")
    .values({ ...values, user_id: userId })
    .returningAll()
    .executeTakeFirstOrThrow();

export const updateAddressRow = (db: Db, id: string, values: AddressValues): Promise<AddressRow> =>
  db
    .updateTable("address")
    .set({ ...values, updated_at: new Date() })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();

export const deleteAddressRow = (db: Db, id: string): Promise<unknown> =>
  db.deleteFrom("address").where("id", "=", id).execute();

/** After the default address went: the oldest one left becomes the default. */
export const promoteOldestAddress = (db: Db, userId: string): Promise<unknown> =>
  db
    .updateTable("address")
    .set({ is_default: true })
    .where(
      "id",
      "=",
      db.selectFrom("address").select("id").where("user_id", "=", userId).orderBy("created_at").orderBy("id").limit(1),
    )
    .execute();
