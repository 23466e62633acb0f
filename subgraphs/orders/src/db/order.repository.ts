import { type Kysely, sql } from "kysely";
import type {
  NewOrder,
  NewOrderLine,
  OrderLineRow,
  OrderRow,
  OrderStatus,
  OrdersDatabase,
  StatusChangeRow,
} from "./database.js";

type Db = Kysely<OrdersDatabase>;

export const findOrdersByIds = (db: Db, ids: readonly string[]): Promise<OrderRow[]> =>
  db.selectFrom("order").selectAll().where("id", "in", ids).execute();

export const lockOrder = (db: Db, id: string): Promise<OrderRow | undefined> =>
  db.selectFrom("order").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();

export const insertOrder = (db: Db, order: NewOrder): Promise<OrderRow> =>
  db.insertInto("order").values(order).returningAll().executeTakeFirstOrThrow();

export const insertOrderLines = (db: Db, lines: NewOrderLine[]): Promise<unknown> =>
  db.insertInto("order_line").values(lines).execute();

export const updateOrder = (
  db: Db,
  id: string,
  changes: Partial<Pick<OrderRow, "status" | "tracking_number" | "carrier" | "cancel_reason">>,
): Promise<OrderRow> =>
  db
    .updateTable("order")
    .set({ ...changes, updated_at: new Date() })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();

export const insertStatusChange = (
  db: Db,
  change: { orderId: string; from: OrderStatus | null; to: OrderStatus; note: string | null; actor: string | null },
): Promise<unknown> =>
  db
    .insertInto("order_status_change")
    .values({
      order_id: change.orderId,
      from_status: change.from,
      to_status: change.to,
      note: change.note,
      actor: change.actor,
    })
    .execute();

export const findLinesByOrderIds = (db: Db, orderIds: readonly string[]): Promise<OrderLineRow[]> =>
  db
    .selectFrom("order_line")
    .selectAll()
    .where("order_id", "in", orderIds)
    .orderBy("order_id")
    .orderBy("position")
    .execute();

export const findHistoryByOrderIds = (db: Db, orderIds: readonly string[]): Promise<StatusChangeRow[]> =>
  db
    .selectFrom("order_status_change")
    .selectAll()
    .where("order_id", "in", orderIds)
    .orderBy("order_id")
    .orderBy("id")
    .execute();

export interface OrderPageQuery {
  customerId?: string;
  status?: OrderStatus;
  after?: { placedAt: Date; id: string };
  limit: number;
}

/** Newest first, keyset-paginated on (placed_at, id). */
export async function findOrderPage(db: Db, query: OrderPageQuery): Promise<OrderRow[]> {
  let q = filteredOrders(db, query).selectAll();
  const after = query.after;
  if (after) {
    q = q.where(({ eb, refTuple, tuple }) => eb(refTuple("placed_at", "id"), "<", tuple(after.placedAt, after.id)));
  }
  return q.orderBy("placed_at", "desc").orderBy("id", "desc").limit(query.limit).execute();
}

export async function countOrders(db: Db, query: OrderPageQuery): Promise<number> {
  const row = await filteredOrders(db, query)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return row.n;
}

function filteredOrders(db: Db, query: OrderPageQuery) {
  let q = db.selectFrom("order");
  if (query.customerId) q = q.where("customer_id", "=", query.customerId);
  if (query.status) q = q.where("status", "=", query.status);
  return q;
}

/** Unpaid orders older than the timeout, locked and skipped by other replicas doing the same. */
export const lockExpiredUnpaid = (db: Db, olderThanMinutes: number, limit: number): Promise<OrderRow[]> =>
  db
    .selectFrom("order")
    .selectAll()
    .where("status", "=", "PENDING_PAYMENT")
    .where("placed_at", "<", sql<Date>`now() - make_interval(mins => ${olderThanMinutes})`)
    .orderBy("placed_at")
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();

/** Wakes every replica's live-update listener; delivered on commit only. */
export const notifyOrderChanged = (db: Db, orderId: string): Promise<unknown> =>
  sql`select pg_notify('order_updates', ${orderId})`.execute(db);
