import type { ColumnType, Generated, Selectable } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type OrderStatus = "PENDING_PAYMENT" | "PAID" | "SHIPPED" | "DELIVERED" | "CANCELLED" | "REFUNDED";

export interface AddressJson {
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  country: string;
  phone: string | null;
}

export interface OrderTable {
  id: Generated<string>;
  number: Generated<number>;
  /** null for a guest order. */
  customer_id: string | null;
  email: string;
  status: OrderStatus;
  currency: string;
  subtotal: number;
  shipping: number;
  tax: number;
  total: number;
  shipping_address: ColumnType<AddressJson, string, string>;
  tracking_number: string | null;
  carrier: string | null;
  placed_at: Timestamp;
  updated_at: Timestamp;
}

export interface OrdersDatabase {
  order: OrderTable;
}

export type OrderRow = Selectable<OrderTable>;
