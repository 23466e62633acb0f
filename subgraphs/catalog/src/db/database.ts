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

export interface CatalogDatabase {
  category: CategoryTable;
  product: ProductTable;
  variant: VariantTable;
}

export type CategoryRow = Selectable<CategoryTable>;
export type ProductRow = Selectable<ProductTable>;
export type VariantRow = Selectable<VariantTable>;
export type NewProduct = Insertable<ProductTable>;
export type NewVariant = Insertable<VariantTable>;
export type ProductUpdate = Updateable<ProductTable>;
