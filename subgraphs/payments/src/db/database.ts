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

export type ProviderName = "STRIPE" | "TEST";

export interface PaymentTable {
  id: Generated<string>;
  order_id: string;
  /** The order's customer (null for a guest order), for owner checks. */
  customer_id: string | null;
  /** The order's email: payment.failed reaches a guest through it. */
  email: string | null;
  provider: ProviderName;
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

/** REQUESTED: outcome at the provider unknown yet, amount reserved; PENDING and SUCCEEDED count as refunded. */
export type RefundStatus = "REQUESTED" | "PENDING" | "SUCCEEDED" | "FAILED";
export type RefundOrigin = "ADMIN" | "ORDER_CANCELLED" | "PROVIDER";

export interface RefundTable {
  id: Generated<string>;
  payment_id: string;
  amount: number;
  reason: string | null;
  status: RefundStatus;
  origin: RefundOrigin;
  provider_ref: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProviderEventTable {
  provider: ProviderName;
  event_id: string;
  type: string;
  payment_id: string;
  received_at: Timestamp;
}

export interface ProcessedEventTable {
  event_id: string;
  handler: string;
  processed_at: Timestamp;
}

export interface PaymentsDatabase {
  payment: PaymentTable;
  refund: RefundTable;
  provider_event: ProviderEventTable;
  processed_event: ProcessedEventTable;
}

export type PaymentRow = Selectable<PaymentTable>;
export type RefundRow = Selectable<RefundTable>;
