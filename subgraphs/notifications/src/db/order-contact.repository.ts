import type { Kysely } from "kysely";
import type { NotificationsDatabase, OrderContactRow } from "./database.js";

type Db = Kysely<NotificationsDatabase>;

export const findOrderContact = (db: Db, orderId: string): Promise<OrderContactRow | undefined> =>
  db.selectFrom("order_contact").selectAll().where("order_id", "=", orderId).executeTakeFirst();

/** Records what an order.status_changed said; an older change never overwrites a newer one's status. */
export async function saveOrderContact(db: Db, contact: OrderContactRow): Promise<void> {
  await db
    .insertInto("order_contact")
    .values(contact)
    .onConflict((oc) =>
      oc
        .column("order_id")
        .doUpdateSet((eb) => ({
          number: eb.ref("excluded.number"),
          email: eb.ref("excluded.email"),
          customer_id: eb.ref("excluded.customer_id"),
          status: eb.ref("excluded.status"),
          status_at: eb.ref("excluded.status_at"),
        }))
        .where("order_contact.status_at", "<=", (eb) => eb.ref("excluded.status_at")),
    )
    .execute();
}
