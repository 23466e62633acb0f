import type { DomainEvent, EventBus, Logger } from "@retailer/kit";
import type { Carts, OrderPlaced } from "./carts.js";

/**
 * What cart consumes: order.placed marks the order's cart CONVERTED if it is
 * still OPEN. Checkout closes the cart itself (internalCheckOutCart), so for
 * its carts this changes nothing; it keeps the event's meaning for any cart
 * that reached an order otherwise. Idempotent: each event once
 * (processed_event), and only an OPEN cart converts.
 */
export async function subscribeToOrders(bus: EventBus, carts: Carts, log: Logger): Promise<void> {
  await bus.subscribe<OrderPlaced>("order.placed", async (event: DomainEvent<OrderPlaced>) => {
    const converted = await carts.convert(event.id, event.data);
    log.debug({ eventId: event.id, cartId: event.data.cartId, converted }, "order.placed handled");
  });
}
