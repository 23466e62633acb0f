import type { ColumnType, Generated, Selectable } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type PaymentStatus =
  | "REQUIRES_PAYMENT"
  | "PROCESSING"
  | "SUCCEEDED"
  | "FAILED"
  | "CANCELLED"
  | "PARTIALLY_REFUNDED"
  | "REFUNDED";

export interface PaymentTable {
  id: Generated<string>;
  order_id: string;
  /** The order's customer (null for a guest order), for owner checks. */
  customer_id: string | null;
  provider: "STRIPE" | "TEST";
  provider_ref: string | null;
  status: PaymentStatus;
  amount: number;
  currency: string;
  amount_refunded: Generated<number>;
  client_secret: string | null;
  failure_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PaymentsDatabase {
  payment: PaymentTable;
}

export type PaymentRow = Selectable<PaymentTable>;
