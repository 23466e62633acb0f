import { type EventBus, firstDelivery, isUuid, type Kysely, UserErrors, userError } from "@retailer/kit";
import type { OrderRow, OrderStatus, OrdersDatabase } from "./db/database.js";
import {
  findLinesByOrderIds,
  insertStatusChange,
  lockOrder,
  notifyOrderChanged,
  updateOrder,
} from "./db/order.repository.js";
import { type Actor, canTransition } from "./order-state.js";

export interface TransitionOptions {
  note?: string | null;
  /** Who, for the history: a user id or the service's own name. */
  by?: string;
  changes?: Partial<Pick<OrderRow, "tracking_number" | "carrier" | "cancel_reason">>;
  /** A SYSTEM event repeated after the change happened is a no-op rather than an error. */
  idempotent?: boolean;
  requestId?: string;
  /** An event's effect happens once: marked in the same transaction as the change. */
  once?: { eventId: string; handler: string };
}

/**
 * Moves orders through the transition table. Each change appends to the
 * history, publishes order.status_changed with what consumers need (lines,
 * totals, address), and notifies live subscribers: all in one transaction.
 */
export class Lifecycle {
  constructor(
    private readonly db: Kysely<OrdersDatabase>,
    private readonly eventBus: EventBus,
    /** retailer_orders_total{event}: each committed change, by the status it reached. */
    private readonly count: (event: string) => void = () => {},
  ) {}

  async transition(orderId: string, to: OrderStatus, actor: Actor, options: TransitionOptions = {}): Promise<OrderRow> {
    let changed = false;
    const order = await this.db.transaction().execute(async (trx) => {
      const order = isUuid(orderId) ? await lockOrder(trx, orderId) : undefined;
      if (!order) throw new UserErrors(userError("NOT_FOUND", "No such order.", ["id"]));
      if (options.once && !(await firstDelivery(trx, options.once.eventId, options.once.handler))) return order;
      if (order.status === to && options.idempotent) return order;
      const check = canTransition(order.status, to, actor);
      if (!check.ok) {
        throw new UserErrors(
          check.reason === "ILLEGAL_STATE"
            ? userError("ILLEGAL_STATE", `An order that is ${order.status} cannot become ${to}.`, ["id"])
            : userError("FORBIDDEN", `Only an admin can make a ${order.status} order ${to}.`, ["id"]),
        );
      }
      const updated = await updateOrder(trx, orderId, { status: to, ...options.changes });
      await insertStatusChange(trx, {
        orderId,
        from: order.status,
        to,
        note: options.note ?? null,
        actor: options.by ?? actor,
      });
      await this.publishChange(trx, updated, order.status, options);
      changed = true;
      return updated;
    });
    if (changed) this.count(to.toLowerCase());
    return order;
  }

  /** order.status_changed plus the live-update notification, inside `trx`. */
  async publishChange(
    trx: Kysely<OrdersDatabase>,
    order: OrderRow,
    from: OrderStatus | null,
    options: { note?: string | null; requestId?: string } = {},
  ): Promise<void> {
    const lines = await findLinesByOrderIds(trx, [order.id]);
    await this.eventBus.publish(
      trx,
      "order.status_changed",
      {
        orderId: order.id,
        number: orderNumber(order.number),
        customerId: order.customer_id,
        email: order.email,
        from,
        to: order.status,
        at: new Date().toISOString(),
        currency: order.currency.trim(),
        subtotal: order.subtotal,
        shipping: order.shipping,
        tax: order.tax,
        total: order.total,
        lines: lines.map((l) => ({
          variantId: l.variant_id,
          productName: l.product_name,
          variantName: l.variant_name,
          sku: l.sku,
          quantity: l.quantity,
          unitPrice: l.unit_price,
          lineTotal: l.line_total,
        })),
        shippingAddress: order.shipping_address,
        carrier: order.carrier,
        trackingNumber: order.tracking_number,
        reason: order.cancel_reason ?? options.note ?? null,
      },
      options.requestId ? { requestId: options.requestId } : {},
    );
    await notifyOrderChanged(trx, order.id);
  }
}

export const orderNumber = (n: number): string => `R-${String(n).padStart(6, "0")}`;
