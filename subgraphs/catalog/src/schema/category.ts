import { isAdmin } from "@retailer/kit";
import { Arg, Ctx, Directive, Field, FieldResolver, ID, Int, ObjectType, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import type { CategoryRow } from "../db/database.js";
import { ProductConnection, ProductSort, productPage } from "./listing.js";

@Directive('@key(fields: "id")')
@ObjectType()
export class Category {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  slug!: string;

  @Field(() => String)
  name!: string;

  parentId!: string | null;
}

export const toCategory = (row: CategoryRow): Category => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  parentId: row.parent_id,
});

@Resolver(() => Category)
export class CategoryFields {
  @FieldResolver(() => Category, { nullable: true })
  async parent(@Root() category: Category, @Ctx() ctx: Context): Promise<Category | null> {
    if (!category.parentId) return null;
    const row = await ctx.loaders.category.load(category.parentId);
    return row && toCategory(row);
  }

  @FieldResolver(() => ProductConnection, { description: "Its products and its descendants' products." })
  products(
    @Root() category: Category,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Arg("sort", () => ProductSort, { nullable: true }) sort: ProductSort | null,
  ): Promise<ProductConnection> {
    return productPage(ctx.db, { categoryId: category.id, first, after, sort }, isAdmin(ctx.viewer));
  }

  @FieldResolver(() => [Category])
  async children(@Root() category: Category, @Ctx() ctx: Context): Promise<Category[]> {
    return (await ctx.loaders.childrenOfCategory.load(category.id)).map(toCategory);
  }
}

export const categoryReference = {
  __resolveReference: async (ref: { id: string }, ctx: Context) => {
    const row = await ctx.loaders.category.load(ref.id);
    return row && toCategory(row);
  },
};
