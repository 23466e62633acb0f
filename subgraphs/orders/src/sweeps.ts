import type { Kysely, Logger } from "@retailer/kit";
import type { Checkout } from "./checkout.js";
import type { OrdersDatabase } from "./db/database.js";
import { lockExpiredUnpaid } from "./db/order.repository.js";
import type { Lifecycle } from "./lifecycle.js";

/** A checkout attempt still unfinished after this long was abandoned (every call in it times out well before). */
export const ABANDONED_CHECKOUT_MINUTES = 5;

export interface Sweeps {
  stop(): void;
  /** Cancels orders left unpaid past the timeout; catalog releases their stock when it sees the CANCELLED change. */
  sweepUnpaid(): Promise<number>;
  /** Undoes checkouts abandoned mid-way (Checkout.recoverAbandoned). */
  sweepAbandoned(): Promise<number>;
}

/**
 * The periodic sweeps of orders. They run in every replica; `skip locked`
 * keeps two replicas from taking the same order or claim.
 */
export function startSweeps(
  db: Kysely<OrdersDatabase>,
  lifecycle: Lifecycle,
  checkout: Checkout,
  log: Logger,
  options: { timeoutMinutes: number; intervalMs: number },
): Sweeps {
  const sweepUnpaid = async (): Promise<number> => {
    const expired = await db.transaction().execute((trx) => lockExpiredUnpaid(trx, options.timeoutMinutes, 100));
    let cancelled = 0;
    for (const order of expired) {
      try {
        await lifecycle.transition(order.id, "CANCELLED", "SYSTEM", {
          note: `unpaid after ${options.timeoutMinutes} minutes`,
          by: "unpaid-sweep",
          idempotent: true,
          changes: { cancel_reason: "payment timeout" },
        });
        cancelled += 1;
      } catch (error) {
        log.warn({ err: error, orderId: order.id }, "could not cancel an unpaid order");
      }
    }
    if (cancelled) log.info({ cancelled }, "cancelled unpaid orders");
    return cancelled;
  };
  const sweepAbandoned = () => checkout.recoverAbandoned(ABANDONED_CHECKOUT_MINUTES);
  const timer = setInterval(() => {
    sweepUnpaid().catch((error: unknown) => log.error({ err: error }, "unpaid sweep failed"));
    sweepAbandoned().catch((error: unknown) => log.error({ err: error }, "abandoned-checkout sweep failed"));
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), sweepUnpaid, sweepAbandoned };
}
