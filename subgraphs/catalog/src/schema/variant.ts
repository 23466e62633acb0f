import { Money, money, requireRole } from "@retailer/kit";
import { Ctx, Directive, Field, FieldResolver, ID, Int, ObjectType, Resolver, Root } from "type-graphql";
import type { Context } from "../context.js";
import type { VariantRow } from "../db/database.js";
import { availableQuantity } from "../stock.js";
import { Product, ProductStatus, toProduct } from "./product.js";

@ObjectType()
export class SelectedOption {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  value!: string;
}

@ObjectType()
export class Stock {
  @Field(() => Int)
  onHand!: number;

  @Field(() => Int)
  reserved!: number;

  @Field(() => Int)
  available!: number;
}

@Directive('@key(fields: "id")')
@ObjectType({
  description:
    "The purchasable unit: a product with one choice of options (size M, colour red). A product without options has one variant.",
})
export class ProductVariant {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  sku!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Money)
  price!: Money;

  @Field(() => [SelectedOption])
  options!: SelectedOption[];

  @Field(() => Int, { description: "Units that can be bought now (onHand - reserved), never negative." })
  availableQuantity!: number;

  productId!: string;
  onHand!: number;
  reserved!: number;
  /** Its product's status when the product is already at hand (Product.variants), so inStock needs no read. */
  productStatus?: ProductStatus;
}

export const toVariant = (row: VariantRow): ProductVariant => ({
  id: row.id,
  sku: row.sku,
  name: row.name,
  price: money(row.price, row.currency),
  options: row.options,
  availableQuantity: availableQuantity(row.on_hand, row.reserved),
  productId: row.product_id,
  onHand: row.on_hand,
  reserved: row.reserved,
});

@Resolver(() => ProductVariant)
export class ProductVariantFields {
  @FieldResolver(() => Product)
  async product(@Root() variant: ProductVariant, @Ctx() ctx: Context): Promise<Product> {
    const row = await ctx.loaders.product.load(variant.productId);
    if (!row) throw new Error(`variant ${variant.id} has no product ${variant.productId}`);
    return toProduct(row);
  }

  @FieldResolver(() => Boolean, { description: "In stock and on sale: its product is ACTIVE and units are available." })
  async inStock(@Root() variant: ProductVariant, @Ctx() ctx: Context): Promise<boolean> {
    if (variant.availableQuantity <= 0) return false;
    if (variant.productStatus !== undefined) return variant.productStatus === ProductStatus.ACTIVE;
    // Reached by id (_entities, internalVariants): the request's product loader, shared with `product`.
    const product = await ctx.loaders.product.load(variant.productId);
    return product?.status === "ACTIVE";
  }

  @FieldResolver(() => Stock, { description: "Admin only: FORBIDDEN for others." })
  stock(@Root() variant: ProductVariant, @Ctx() ctx: Context): Stock {
    requireRole(ctx.viewer, "ADMIN", "SERVICE");
    return { onHand: variant.onHand, reserved: variant.reserved, available: variant.availableQuantity };
  }
}

export const variantReference = {
  __resolveReference: async (ref: { id: string }, ctx: Context) => {
    const row = await ctx.loaders.variant.load(ref.id);
    return row && toVariant(row);
  },
};
