import { type EventBus, isUuid, type Kysely, type Transaction, UserErrors, userError } from "@retailer/kit";
import type { CatalogDatabase, NewMovement, ReservationRow, VariantRow } from "./db/database.js";
import { findProductsByIds } from "./db/product.repository.js";
import {
  findReservations,
  insertReservations,
  lockReservations,
  recordMovements,
  setReservationStatus,
} from "./db/stock.repository.js";
import { addOnHand, findVariantsByIds, lockVariants, moveUnits, reserveUnits } from "./db/variant.repository.js";

/** Units that can be sold now; never negative even if data were inconsistent. */
export const availableQuantity = (onHand: number, reserved: number): number => Math.max(0, onHand - reserved);

export const MAX_RESERVATION_LINES = 100;
export const MAX_LINE_QUANTITY = 10_000;
export const MAX_ADJUSTMENT = 1_000_000;

export interface ReserveLine {
  variantId: string;
  quantity: number;
}

export interface ReservedLine {
  variantId: string;
  productId: string;
  sku: string;
  productName: string;
  variantName: string;
  unitPrice: number;
  currency: string;
  quantity: number;
}

export interface Shortage {
  variantId: string;
  requested: number;
  available: number;
}

export type ReserveResult = { ok: true; lines: ReservedLine[] } | { ok: false; shortages: Shortage[] };

class Short extends Error {
  constructor(readonly shortages: Shortage[]) {
    super("short");
  }
}

type Trx = Transaction<CatalogDatabase>;

/**
 * Stock of every variant: reservations per order (all lines or none,
 * idempotent by order id), their release, commit and restock, and admin
 * adjustments. Every change is a conditional update under row locks, logged
 * as a movement, and announced as catalog.variant_changed in its transaction.
 */
export class Stock {
  constructor(
    private readonly db: Kysely<CatalogDatabase>,
    private readonly bus: EventBus,
  ) {}

  async reserve(orderId: string, requested: ReserveLine[]): Promise<ReserveResult> {
    const lines = mergeLines(orderId, requested);
    try {
      return await this.db.transaction().execute(async (trx) => {
        const existing = await lockReservations(trx, orderId);
        if (existing.length > 0) return { ok: true, lines: await this.#describe(trx, existing) };
        const ids = lines.map((l) => l.variantId);
        const variants = new Map((await lockVariants(trx, ids)).map((v) => [v.id, v]));
        const products = new Map(
          (await findProductsByIds(trx, [...new Set([...variants.values()].map((v) => v.product_id))])).map((p) => [
            p.id,
            p,
          ]),
        );
        const shortages: Shortage[] = [];
        const reserved: VariantRow[] = [];
        for (const line of lines) {
          const variant = variants.get(line.variantId);
          const onSale = variant && products.get(variant.product_id)?.status === "ACTIVE";
          const updated = onSale ? await reserveUnits(trx, line.variantId, line.quantity) : undefined;
          if (updated) reserved.push(updated);
          else {
            shortages.push({
              variantId: line.variantId,
              requested: line.quantity,
              available: variant && onSale ? availableQuantity(variant.on_hand, variant.reserved) : 0,
            });
          }
        }
        if (shortages.length > 0) throw new Short(shortages);
        const rows = lines.map((line) => {
          const variant = variants.get(line.variantId) as VariantRow;
          return {
            order_id: orderId,
            variant_id: line.variantId,
            quantity: line.quantity,
            status: "RESERVED" as const,
            unit_price: variant.price,
            currency: variant.currency,
          };
        });
        await insertReservations(trx, rows);
        await recordMovements(
          trx,
          lines.map((l) => movement(l.variantId, "RESERVE", 0, l.quantity, { orderId })),
        );
        await this.#announce(trx, reserved);
        return { ok: true, lines: await this.#describe(trx, await findReservations(trx, orderId)) };
      });
    } catch (error) {
      if (error instanceof Short) return { ok: false, shortages: error.shortages };
      // The same order reserved concurrently: the first one won; answer what it reserved.
      if ((error as { code?: string }).code === "23505") {
        const existing = await findReservations(this.db, orderId);
        if (existing.length > 0) return { ok: true, lines: await this.#describe(this.db, existing) };
      }
      throw error;
    }
  }

  /** RESERVED -> RELEASED: the units are available again. Idempotent. */
  release(orderId: string): Promise<ReservationRow[]> {
    return this.#transition(orderId, "RESERVED", "RELEASED", "RELEASE", (q) => [0, -q]);
  }

  /** RESERVED -> COMMITTED when the order is paid: the units leave on-hand stock. Idempotent. */
  commit(orderId: string): Promise<ReservationRow[]> {
    return this.#transition(orderId, "RESERVED", "COMMITTED", "COMMIT", (q) => [-q, -q]);
  }

  /** COMMITTED -> RESTOCKED when a paid order is cancelled before shipping: the units come back. Idempotent. */
  restock(orderId: string): Promise<ReservationRow[]> {
    return this.#transition(orderId, "COMMITTED", "RESTOCKED", "RESTOCK", (q) => [q, 0]);
  }

  /** Adds delta (may be negative) to on-hand stock; never below what is reserved. */
  adjust(variantId: string, delta: number, reason: string | null, actor: string): Promise<VariantRow> {
    if (!Number.isInteger(delta) || delta === 0 || Math.abs(delta) > MAX_ADJUSTMENT) {
      throw new UserErrors(
        userError("INVALID_INPUT", `delta is a non-zero whole number up to ${MAX_ADJUSTMENT}.`, ["delta"]),
      );
    }
    if ((reason ?? "").length > 500)
      throw new UserErrors(userError("INVALID_INPUT", "reason is at most 500 characters.", ["reason"]));
    return this.db.transaction().execute(async (trx) => {
      const [current] = isUuid(variantId) ? await lockVariants(trx, [variantId]) : [];
      if (!current) throw new UserErrors(userError("NOT_FOUND", "No such variant.", ["variantId"]));
      const updated = await addOnHand(trx, variantId, delta);
      if (!updated) {
        throw new UserErrors(
          userError(
            "INSUFFICIENT_STOCK",
            `On hand would be ${current.on_hand + delta}, below the ${current.reserved} units reserved.`,
            ["delta"],
          ),
        );
      }
      await recordMovements(trx, [movement(variantId, "ADJUST", delta, 0, { reason, actor })]);
      await this.#announce(trx, [updated]);
      return updated;
    });
  }

  async #transition(
    orderId: string,
    from: ReservationRow["status"],
    to: ReservationRow["status"],
    kind: NewMovement["kind"],
    deltas: (quantity: number) => [number, number],
  ): Promise<ReservationRow[]> {
    if (!isUuid(orderId)) return [];
    return this.db.transaction().execute(async (trx) => {
      const rows = (await lockReservations(trx, orderId)).filter((r) => r.status === from);
      if (rows.length === 0) return [];
      const changed: VariantRow[] = [];
      for (const row of rows) {
        const [onHand, reserved] = deltas(row.quantity);
        changed.push(await moveUnits(trx, row.variant_id, onHand, reserved));
      }
      await setReservationStatus(trx, orderId, from, to);
      await recordMovements(
        trx,
        rows.map((r) => {
          const [onHand, reserved] = deltas(r.quantity);
          return movement(r.variant_id, kind, onHand, reserved, { orderId });
        }),
      );
      await this.#announce(trx, changed);
      return rows;
    });
  }

  async #describe(db: Kysely<CatalogDatabase>, rows: ReservationRow[]): Promise<ReservedLine[]> {
    const variants = new Map(
      (
        await findVariantsByIds(
          db,
          rows.map((r) => r.variant_id),
        )
      ).map((v) => [v.id, v]),
    );
    const products = new Map(
      (await findProductsByIds(db, [...new Set([...variants.values()].map((v) => v.product_id))])).map((p) => [
        p.id,
        p,
      ]),
    );
    return rows.map((row) => {
      const variant = variants.get(row.variant_id) as VariantRow;
      return {
        variantId: row.variant_id,
        productId: variant.product_id,
        sku: variant.sku,
        productName: products.get(variant.product_id)?.name ?? "",
        variantName: variant.name,
        unitPrice: row.unit_price,
        currency: row.currency.trim(),
        quantity: row.quantity,
      };
    });
  }

  async #announce(trx: Trx, variants: VariantRow[]): Promise<void> {
    for (const v of variants) {
      await this.bus.publish(trx, "catalog.variant_changed", variantChanged(v));
    }
  }
}

export const variantChanged = (v: VariantRow) => ({
  variantId: v.id,
  productId: v.product_id,
  sku: v.sku,
  price: v.price,
  currency: v.currency.trim(),
  available: availableQuantity(v.on_hand, v.reserved),
});

function movement(
  variantId: string,
  kind: NewMovement["kind"],
  onHandDelta: number,
  reservedDelta: number,
  extra: { orderId?: string; reason?: string | null; actor?: string },
): NewMovement {
  return {
    variant_id: variantId,
    kind,
    on_hand_delta: onHandDelta,
    reserved_delta: reservedDelta,
    order_id: extra.orderId ?? null,
    reason: extra.reason ?? null,
    actor: extra.actor ?? null,
  };
}

/** Validates a reservation request and merges lines of the same variant. */
function mergeLines(orderId: string, lines: ReserveLine[]): ReserveLine[] {
  if (!isUuid(orderId)) throw new UserErrors(userError("INVALID_INPUT", "orderId is not an order id.", ["orderId"]));
  if (lines.length === 0 || lines.length > MAX_RESERVATION_LINES) {
    throw new UserErrors(userError("INVALID_INPUT", `Reserve 1 to ${MAX_RESERVATION_LINES} lines.`, ["lines"]));
  }
  const merged = new Map<string, number>();
  lines.forEach((line, i) => {
    if (!isUuid(line.variantId))
      throw new UserErrors(userError("INVALID_INPUT", "Not a variant id.", ["lines", i, "variantId"]));
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_LINE_QUANTITY) {
      throw new UserErrors(
        userError("INVALID_INPUT", "quantity must be a positive whole number.", ["lines", i, "quantity"]),
      );
    }
    merged.set(line.variantId, (merged.get(line.variantId) ?? 0) + line.quantity);
  });
  return [...merged].map(([variantId, quantity]) => ({ variantId, quantity }));
}
