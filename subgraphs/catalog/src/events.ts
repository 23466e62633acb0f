import { type DomainEvent, type EventBus, firstDelivery, type Kysely } from "@retailer/kit";
import type { CatalogDatabase } from "./db/database.js";
import type { Stock } from "./stock.js";

interface OrderStatusChanged {
  orderId: string;
  from: string | null;
  to: string;
}

/**
 * order.status_changed moves the order's reservation: PAID commits it,
 * CANCELLED releases it (or restocks what a paid order had taken). The
 * stock operations are idempotent themselves; firstDelivery keeps the
 * record of which event was handled.
 */
export async function subscribeToOrders(bus: EventBus, db: Kysely<CatalogDatabase>, stock: Stock): Promise<void> {
  await bus.subscribe<OrderStatusChanged>("order.status_changed", async (event: DomainEvent<OrderStatusChanged>) => {
    const { orderId, to } = event.data;
    if (to === "PAID") await stock.commit(orderId);
    else if (to === "CANCELLED") {
      await stock.release(orderId);
      await stock.restock(orderId);
    } else return;
    await db.transaction().execute((trx) => firstDelivery(trx, event.id, "stock"));
  });
}
