import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface CategoryTable {
  id: Generated<string>;
  slug: string;
  name: string;
  parent_id: string | null;
  position: Generated<number>;
  created_at: Timestamp;
}

export interface ImageJson {
  url: string;
  alt: string | null;
}

export interface ProductTable {
  id: Generated<string>;
  slug: string;
  name: string;
  description: Generated<string>;
  status: "DRAFT" | "ACTIVE" | "ARCHIVED";
  category_id: string | null;
  images: ColumnType<ImageJson[], string | undefined, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Generated from name and description. */
  search: ColumnType<string, never, never>;
  /** The cheapest and dearest variant's price; kept by the variant repository. */
  min_price: ColumnType<number | null, number | null | undefined, number | null>;
  max_price: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface OptionJson {
  name: string;
  value: string;
}

export interface VariantTable {
  id: Generated<string>;
  product_id: string;
  sku: string;
  name: string;
  price: number;
  currency: string;
  options: ColumnType<OptionJson[], string | undefined, string>;
  on_hand: Generated<number>;
  reserved: Generated<number>;
  position: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type ReservationStatus = "RESERVED" | "RELEASED" | "COMMITTED" | "RESTOCKED";

export interface ReservationTable {
  order_id: string;
  variant_id: string;
  quantity: number;
  status: ReservationStatus;
  unit_price: number;
  currency: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type MovementKind = "ADJUST" | "RESERVE" | "RELEASE" | "COMMIT" | "RESTOCK";

export interface StockMovementTable {
  id: Generated<string>;
  variant_id: string;
  kind: MovementKind;
  on_hand_delta: number;
  reserved_delta: number;
  order_id: string | null;
  reason: string | null;
  actor: string | null;
  created_at: Timestamp;
}

export interface CatalogDatabase {
  category: CategoryTable;
  product: ProductTable;
  variant: VariantTable;
  reservation: ReservationTable;
  stock_movement: StockMovementTable;
}

export type ReservationRow = Selectable<ReservationTable>;
export type NewMovement = Insertable<StockMovementTable>;

export type CategoryRow = Selectable<CategoryTable>;
/** A product as read: the search vector stays in the database. */
export type ProductRow = Omit<Selectable<ProductTable>, "search">;
export type VariantRow = Selectable<VariantTable>;
export type NewProduct = Insertable<ProductTable>;
export type NewVariant = Insertable<VariantTable>;
export type ProductUpdate = Updateable<ProductTable>;
