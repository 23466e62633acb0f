import { PageInfo, pageSize, SortDirection, toPage } from "@retailer/kit";
import type { Kysely } from "kysely";
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import type { CatalogDatabase } from "../db/database.js";
import { countProducts, findProductPage } from "../db/product.repository.js";
import { type ListingInput, productCursor, toProductQuery } from "../listing.js";
import { Product, ProductStatus, toProduct } from "./product.js";

export enum ProductSortField {
  CREATED_AT = "CREATED_AT",
  NAME = "NAME",
  PRICE = "PRICE",
  RELEVANCE = "RELEVANCE",
}
registerEnumType(ProductSortField, {
  name: "ProductSortField",
  valuesConfig: { RELEVANCE: { description: "Only meaningful with filter.search." } },
});

@InputType()
export class ProductFilter {
  @Field(() => String, { nullable: true, description: "Full-text search over name and description, typo-tolerant." })
  search?: string | null;

  @Field(() => ID, { nullable: true, description: "Includes products of the category's descendants." })
  categoryId?: string | null;

  @Field(() => Int, { nullable: true })
  minPrice?: number | null;

  @Field(() => Int, { nullable: true })
  maxPrice?: number | null;

  @Field(() => Boolean, { nullable: true })
  inStock?: boolean | null;

  @Field(() => ProductStatus, { nullable: true, description: "Admin only; customers always get ACTIVE." })
  status?: ProductStatus | null;
}

@InputType()
export class ProductSort {
  @Field(() => ProductSortField, { defaultValue: ProductSortField.CREATED_AT })
  field!: ProductSortField;

  @Field(() => SortDirection, { defaultValue: SortDirection.DESC })
  direction!: SortDirection;
}

@ObjectType()
export class ProductEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Product)
  node!: Product;
}

@ObjectType()
export class ProductConnection {
  @Field(() => [ProductEdge])
  edges!: ProductEdge[];

  @Field(() => [Product])
  nodes!: Product[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}

/** One page of products: the rows after the cursor plus one (to know if there is more), and the total. */
export async function productPage(
  db: Kysely<CatalogDatabase>,
  input: ListingInput & { first?: number | null },
  isAdmin: boolean,
): Promise<ProductConnection> {
  const limit = pageSize(input.first);
  const query = toProductQuery(input, limit + 1, isAdmin);
  const [rows, totalCount] = await Promise.all([findProductPage(db, query), countProducts(db, query)]);
  return toPage(rows, limit, {
    cursor: (row) => productCursor(query.sort.field, row.sort_key, row.id),
    node: toProduct,
    totalCount,
    hasPrevious: query.after !== undefined,
  });
}
