import type { ColumnType, Generated, Selectable } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type CartStatus = "OPEN" | "MERGED" | "CONVERTED";

export interface CartTable {
  id: Generated<string>;
  /** null for a guest cart. */
  customer_id: string | null;
  status: Generated<CartStatus>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CartLineTable {
  id: Generated<string>;
  cart_id: string;
  variant_id: string;
  quantity: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CartDatabase {
  cart: CartTable;
  cart_line: CartLineTable;
}

export type CartRow = Selectable<CartTable>;
export type CartLineRow = Selectable<CartLineTable>;
