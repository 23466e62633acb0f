import { Money } from "@retailer/kit";
import { Ctx, Directive, Field, FieldResolver, ID, ObjectType, Resolver, Root, registerEnumType } from "type-graphql";
import type { Context } from "../context.js";
import type { ImageJson, ProductRow } from "../db/database.js";
import { Category, toCategory } from "./category.js";
import { ProductVariant, toVariant } from "./variant.js";

export enum ProductStatus {
  DRAFT = "DRAFT",
  ACTIVE = "ACTIVE",
  ARCHIVED = "ARCHIVED",
}
registerEnumType(ProductStatus, { name: "ProductStatus" });

@ObjectType()
export class Image {
  @Field(() => String)
  url!: string;

  @Field(() => String, { nullable: true })
  alt!: string | null;
}

@ObjectType()
export class PriceRange {
  @Field(() => Money)
  min!: Money;

  @Field(() => Money)
  max!: Money;
}

@Directive('@key(fields: "id")')
@ObjectType()
export class Product {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  slug!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  description!: string;

  @Field(() => ProductStatus, { description: "Customers only ever see ACTIVE products; admins see all." })
  status!: ProductStatus;

  @Field(() => [Image])
  images!: ImageJson[];

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  categoryId!: string | null;
}

export const toProduct = (row: ProductRow): Product => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  description: row.description,
  status: row.status as ProductStatus,
  images: row.images,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  categoryId: row.category_id,
});

@Resolver(() => Product)
export class ProductFields {
  @FieldResolver(() => Category, { nullable: true })
  async category(@Root() product: Product, @Ctx() ctx: Context): Promise<Category | null> {
    if (!product.categoryId) return null;
    const row = await ctx.loaders.category.load(product.categoryId);
    return row && toCategory(row);
  }

  @FieldResolver(() => [ProductVariant])
  async variants(@Root() product: Product, @Ctx() ctx: Context): Promise<ProductVariant[]> {
    // The product is at hand: its status goes with the variants, so their inStock reads nothing more.
    return (await ctx.loaders.variantsOfProduct.load(product.id)).map((row) => ({
      ...toVariant(row),
      productStatus: product.status,
    }));
  }

  @FieldResolver(() => PriceRange)
  async priceRange(@Root() product: Product, @Ctx() ctx: Context): Promise<PriceRange> {
    const variants = await ctx.loaders.variantsOfProduct.load(product.id);
    const prices = variants.map((v) => v.price);
    // A product always has a variant (createProduct requires one); the fallback only guards bad data.
    const currency = variants[0]?.currency ?? "USD";
    return {
      min: { amount: prices.length ? Math.min(...prices) : 0, currencyCode: currency },
      max: { amount: prices.length ? Math.max(...prices) : 0, currencyCode: currency },
    };
  }
}

export const productReference = {
  __resolveReference: async (ref: { id: string }, ctx: Context) => {
    const row = await ctx.loaders.product.load(ref.id);
    return row && toProduct(row);
  },
};
