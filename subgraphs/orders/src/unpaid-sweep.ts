import type { Kysely, Logger } from "@retailer/kit";
import type { OrdersDatabase } from "./db/database.js";
import { lockExpiredUnpaid } from "./db/order.repository.js";
import type { Lifecycle } from "./lifecycle.js";

/**
 * Cancels orders left unpaid past the timeout; catalog releases their stock
 * when it sees the CANCELLED change. Runs in every replica; `skip locked`
 * keeps two replicas from cancelling the same order.
 */
export function startUnpaidSweep(
  db: Kysely<OrdersDatabase>,
  lifecycle: Lifecycle,
  log: Logger,
  options: { timeoutMinutes: number; intervalMs: number },
): { stop(): void; sweep(): Promise<number> } {
  const sweep = async (): Promise<number> => {
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
  const timer = setInterval(() => {
    sweep().catch((error: unknown) => log.error({ err: error }, "unpaid sweep failed"));
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), sweep };
}
