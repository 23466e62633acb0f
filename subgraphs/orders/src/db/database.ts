import type { CleanAddress } from "@retailer/kit";
import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type OrderStatus = "PENDING_PAYMENT" | "PAID" | "SHIPPED" | "DELIVERED" | "CANCELLED" | "REFUNDED";

/** The shipping address as stored with the order: the shape kit's validateAddress answers. */
export type AddressJson = CleanAddress;

export interface OrderTable {
  id: string;
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
  cart_id: string | null;
  cancel_reason: string | null;
  placed_at: Timestamp;
  updated_at: Timestamp;
}

export interface OrderLineTable {
  id: Generated<string>;
  order_id: string;
  position: number;
  variant_id: string;
  product_id: string;
  product_name: string;
  variant_name: string;
  sku: string;
  quantity: number;
  unit_price: number;
  line_total: number;
}

export interface OrderStatusChangeTable {
  id: Generated<string>;
  order_id: string;
  from_status: OrderStatus | null;
  to_status: OrderStatus;
  at: Timestamp;
  note: string | null;
  actor: string | null;
}

export interface CheckoutClaimTable {
  scope: string;
  idempotency_key: string;
  cart_id: string;
  order_id: string;
  completed: Generated<boolean>;
  created_at: Timestamp;
}

/**
 * A failed checkout attempt whose compensation did not finish: its claim is
 * gone (the key may be tried again, with a new order id), and the sweep
 * undoes what the attempt did elsewhere until every step succeeds.
 */
export interface CheckoutUndoTable {
  order_id: string;
  cart_id: string;
  created_at: Generated<Date>;
}

export interface OrdersDatabase {
  order: OrderTable;
  order_line: OrderLineTable;
  order_status_change: OrderStatusChangeTable;
  checkout_claim: CheckoutClaimTable;
  checkout_undo: CheckoutUndoTable;
}

export type OrderRow = Selectable<OrderTable>;
export type NewOrder = Insertable<OrderTable>;
export type OrderLineRow = Selectable<OrderLineTable>;
export type NewOrderLine = Insertable<OrderLineTable>;
export type StatusChangeRow = Selectable<OrderStatusChangeTable>;
export type ClaimRow = Selectable<CheckoutClaimTable>;
export type UndoRow = Selectable<CheckoutUndoTable>;
