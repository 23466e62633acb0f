import { badInput, decodeTimeCursor, isAdmin, isUuid, PageInfo, pageSize, toPage } from "@retailer/kit";
import { Arg, Ctx, Field, ID, Int, ObjectType, Query, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { findCategoryBySlug, findRootCategories } from "../db/category.repository.js";
import { countProducts, findProductBySlug, findProductPage, type ProductStatus } from "../db/product.repository.js";
import { Category, toCategory } from "./category.js";
import { Product, toProduct } from "./product.js";

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

/** Customers only ever see ACTIVE products; admins see every status. */
const visibleStatuses = (ctx: Context): ProductStatus[] =>
  isAdmin(ctx.viewer) ? ["DRAFT", "ACTIVE", "ARCHIVED"] : ["ACTIVE"];

@Resolver()
export class CatalogQueries {
  @Query(() => ProductConnection, { description: "(catalog) Customers see ACTIVE products only." })
  async products(
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<ProductConnection> {
    const limit = pageSize(first);
    const statuses = visibleStatuses(ctx);
    const position = after ? decodeTimeCursor(after) : undefined;
    const [rows, totalCount] = await Promise.all([
      findProductPage(ctx.db, { statuses, limit: limit + 1, ...(position ? { after: position } : {}) }),
      countProducts(ctx.db, statuses),
    ]);
    return toPage(rows, limit, {
      cursor: (row) => [row.created_at.toISOString(), row.id],
      node: toProduct,
      totalCount,
      hasPrevious: position !== undefined,
    });
  }

  @Query(() => Product, { nullable: true, description: "(catalog) By id or by slug; exactly one of them." })
  async product(
    @Ctx() ctx: Context,
    @Arg("id", () => ID, { nullable: true }) id: string | null,
    @Arg("slug", () => String, { nullable: true }) slug: string | null,
  ): Promise<Product | null> {
    if ((id === null) === (slug === null)) throw badInput("Give exactly one of id and slug.");
    const row =
      id !== null
        ? isUuid(id)
          ? await ctx.loaders.product.load(id)
          : null
        : await findProductBySlug(ctx.db, slug as string);
    if (!row || !visibleStatuses(ctx).includes(row.status)) return null;
    return toProduct(row);
  }

  @Query(() => [Category], { description: "(catalog) The root categories." })
  async categories(@Ctx() ctx: Context): Promise<Category[]> {
    return (await findRootCategories(ctx.db)).map(toCategory);
  }

  @Query(() => Category, { nullable: true, description: "(catalog) By id or by slug." })
  async category(
    @Ctx() ctx: Context,
    @Arg("id", () => ID, { nullable: true }) id: string | null,
    @Arg("slug", () => String, { nullable: true }) slug: string | null,
  ): Promise<Category | null> {
    if ((id === null) === (slug === null)) throw badInput("Give exactly one of id and slug.");
    const row =
      id !== null
        ? isUuid(id)
          ? await ctx.loaders.category.load(id)
          : null
        : await findCategoryBySlug(ctx.db, slug as string);
    return row ? toCategory(row) : null;
  }
}
