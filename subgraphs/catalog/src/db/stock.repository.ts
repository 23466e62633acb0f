import type { Kysely } from "kysely";
import type { CatalogDatabase, NewMovement, ReservationRow, ReservationStatus } from "./database.js";

type Db = Kysely<CatalogDatabase>;

export const findReservations = (db: Db, orderId: string): Promise<ReservationRow[]> =>
  db.selectFrom("reservation").selectAll().where("order_id", "=", orderId).orderBy("variant_id").execute();

/** The order's reservations, locked: release and commit of one order run one at a time. */
export const lockReservations = (db: Db, orderId: string): Promise<ReservationRow[]> =>
  db.selectFrom("reservation").selectAll().where("order_id", "=", orderId).orderBy("variant_id").forUpdate().execute();

export const insertReservations = (
  db: Db,
  rows: Omit<ReservationRow, "created_at" | "updated_at">[],
): Promise<unknown> => db.insertInto("reservation").values(rows).execute();

export const setReservationStatus = (
  db: Db,
  orderId: string,
  from: ReservationStatus,
  to: ReservationStatus,
): Promise<unknown> =>
  db
    .updateTable("reservation")
    .set({ status: to, updated_at: new Date() })
    .where("order_id", "=", orderId)
    .where("status", "=", from)
    .execute();

/** Appends to the stock movement log (never updated or deleted). */
export const recordMovements = (db: Db, movements: NewMovement[]): Promise<unknown> =>
  movements.length === 0 ? Promise.resolve() : db.insertInto("stock_movement").values(movements).execute();

export const findMovements = (db: Db, variantId: string) =>
  db.selectFrom("stock_movement").selectAll().where("variant_id", "=", variantId).orderBy("id").execute();
