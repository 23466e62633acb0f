import { PageInfo, pageSize, SortDirection, toPage } from "@retailer/kit";
import type { Kysely } from "kysely";
import { Field, FieldResolver, ID, InputType, Int, ObjectType, Resolver, Root, registerEnumType } from "type-graphql";
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

  /** The count behind `totalCount`: run on first call only, then the same promise (see productPage). */
  count!: () => Promise<number>;
}

@Resolver(() => ProductConnection)
export class ProductConnectionFields {
  /** Lazy: count(*) over the filter is often most of a listing's cost, so it runs only when asked. */
  @FieldResolver(() => Int)
  totalCount(@Root() connection: ProductConnection): Promise<number> {
    return connection.count();
  }
}

/**
 * One page of products: the rows after the cursor plus one (to know if there is more).
 * The total is counted only if the client asks for `totalCount`, in one query however often.
 */
export async function productPage(
  db: Kysely<CatalogDatabase>,
  input: ListingInput & { first?: number | null },
  isAdmin: boolean,
): Promise<ProductConnection> {
  const limit = pageSize(input.first);
  const query = toProductQuery(input, limit + 1, isAdmin);
  let counted: Promise<number> | undefined;
  const count = () => {
    counted ??= countProducts(db, query);
    return counted;
  };
  const rows = await findProductPage(db, query);
  // toPage's totalCount is a number; ours comes from count() on demand, so its placeholder is dropped.
  const { edges, nodes, pageInfo } = toPage(rows, limit, {
    cursor: (row) => productCursor(query.sort.field, row.sort_key, row.id),
    node: toProduct,
    totalCount: 0,
    hasPrevious: query.after !== undefined,
  });
  return { edges, nodes, pageInfo, count };
}
