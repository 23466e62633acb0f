import { badInput, isAdmin, isUuid } from "@retailer/kit";
import { Arg, Ctx, ID, Int, Query, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { findCategoryBySlug, findRootCategories } from "../db/category.repository.js";
import { findProductBySlug } from "../db/product.repository.js";
import { Category, toCategory } from "./category.js";
import { ProductConnection, ProductFilter, ProductSort, productPage } from "./listing.js";
import { Product, toProduct } from "./product.js";

/** Omitted arguments arrive as undefined, explicit nulls as null: both mean "not given". */
const exactlyOne = (id: string | null | undefined, slug: string | null | undefined) => {
  if ((id == null) === (slug == null)) throw badInput("Give exactly one of id and slug.");
};

@Resolver()
export class CatalogQueries {
  @Query(() => ProductConnection, { description: "(catalog) Customers see ACTIVE products only." })
  products(
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("filter", () => ProductFilter, { nullable: true }) filter: ProductFilter | null,
    @Arg("sort", () => ProductSort, { nullable: true }) sort: ProductSort | null,
  ): Promise<ProductConnection> {
    return productPage(ctx.db, { ...filter, first, after, sort }, isAdmin(ctx.viewer));
  }

  @Query(() => Product, { nullable: true, description: "(catalog) By id or by slug; exactly one of them." })
  async product(
    @Ctx() ctx: Context,
    @Arg("id", () => ID, { nullable: true }) id: string | null,
    @Arg("slug", () => String, { nullable: true }) slug: string | null,
  ): Promise<Product | null> {
    exactlyOne(id, slug);
    const row =
      id != null
        ? isUuid(id)
          ? await ctx.loaders.product.load(id)
          : null
        : await findProductBySlug(ctx.db, slug as string);
    // A DRAFT or ARCHIVED product is simply not there for customers.
    if (!row || (row.status !== "ACTIVE" && !isAdmin(ctx.viewer))) return null;
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
    exactlyOne(id, slug);
    const row =
      id != null
        ? isUuid(id)
          ? await ctx.loaders.category.load(id)
          : null
        : await findCategoryBySlug(ctx.db, slug as string);
    return row ? toCategory(row) : null;
  }
}
