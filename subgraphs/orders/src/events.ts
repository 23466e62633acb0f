import { type DomainEvent, type EventBus, type Logger, UserErrors } from "@retailer/kit";
import type { OrderStatus } from "./db/database.js";
import type { Lifecycle } from "./lifecycle.js";

interface PaymentEvent {
  paymentId: string;
  orderId: string;
  reason?: string | null;
  full?: boolean;
}

/**
 * Payments move orders: succeeded -> PAID, failed -> CANCELLED (catalog then
 * releases the stock), refunded in full -> REFUNDED. Each event counts once
 * (marked in the transition's transaction); one that no longer applies (the
 * order moved on) is logged and dropped rather than retried forever.
 */
export async function subscribeToPayments(bus: EventBus, lifecycle: Lifecycle, log: Logger): Promise<void> {
  const handle =
    (to: OrderStatus, note: (e: PaymentEvent) => string, applies: (e: PaymentEvent) => boolean = () => true) =>
    async (event: DomainEvent<PaymentEvent>) => {
      if (!applies(event.data)) return;
      try {
        await lifecycle.transition(event.data.orderId, to, "SYSTEM", {
          note: note(event.data),
          by: "payments",
          idempotent: true,
          once: { eventId: event.id, handler: `order-${to}` },
          ...(to === "CANCELLED" ? { changes: { cancel_reason: note(event.data) } } : {}),
          ...(event.requestId ? { requestId: event.requestId } : {}),
        });
      } catch (error) {
        if (!(error instanceof UserErrors)) throw error;
        log.warn(
          { eventId: event.id, orderId: event.data.orderId, errors: error.errors },
          `payment event does not apply: order not made ${to}`,
        );
      }
    };
  await bus.subscribe<PaymentEvent>(
    "payment.succeeded",
    handle("PAID", () => "payment succeeded"),
  );
  await bus.subscribe<PaymentEvent>(
    "payment.failed",
    handle("CANCELLED", (e) => `payment failed: ${e.reason ?? "declined"}`),
  );
  await bus.subscribe<PaymentEvent>(
    "payment.refunded",
    handle(
      "REFUNDED",
      () => "refunded in full",
      (e) => e.full === true,
    ),
  );
}
