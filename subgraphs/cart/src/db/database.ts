import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/**
 * OPEN: can be changed. MERGED: a guest cart whose lines moved into its
 * customer's open cart on sign-in. CONVERTED: checked out (order.placed).
 */
export type CartStatus = "OPEN" | "MERGED" | "CONVERTED";

export interface CartTable {
  id: Generated<string>;
  /** null for a guest cart. */
  customer_id: string | null;
  status: Generated<CartStatus>;
  /** MERGED carts: the customer's cart that took their lines. */
  merged_into: ColumnType<string | null, string | null | undefined, string | null>;
  /** CONVERTED carts: the order placed from it. */
  order_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CartLineTable {
  id: Generated<string>;
  cart_id: string;
  variant_id: string;
  quantity: number;
  /** Insertion order: lines are shown in the order they were first added. */
  position: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** (event id, handler) of every event handled, so a redelivery has no effect. */
export interface ProcessedEventTable {
  event_id: string;
  handler: string;
  processed_at: Timestamp;
}

export interface CartDatabase {
  cart: CartTable;
  cart_line: CartLineTable;
  processed_event: ProcessedEventTable;
}

export type CartRow = Selectable<CartTable>;
export type CartLineRow = Selectable<CartLineTable>;
export type NewCartLine = Insertable<CartLineTable>;
