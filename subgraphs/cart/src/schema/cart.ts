import { Money, money } from "@retailer/kit";
import { Arg, Ctx, Directive, Field, FieldResolver, ID, Int, ObjectType, Query, Resolver, Root } from "type-graphql";
import { canRead } from "../access.js";
import type { CatalogVariant } from "../catalog.js";
import { type Context, variantLoader } from "../context.js";
import type { CartLineRow, CartRow, CartStatus } from "../db/database.js";
import { lineTotal, subtotal } from "../rules.js";
import { ProductVariant } from "./product-variant.js";

@ObjectType()
export class CartLine {
  @Field(() => ID)
  id!: string;

  @Field(() => ProductVariant)
  variant!: ProductVariant;

  @Field(() => Int)
  quantity!: number;

  variantId!: string;
}

export const toLine = (row: CartLineRow): CartLine => ({
  id: row.id,
  variant: { id: row.variant_id },
  quantity: row.quantity,
  variantId: row.variant_id,
});

@Directive('@key(fields: "id")')
@ObjectType({
  description:
    "A cart is reachable by whoever holds its id (an unguessable id kept by a guest's browser) until it is assigned to a customer; from then on only that customer can read or change it.",
})
export class Cart {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  updatedAt!: Date;

  customerId!: string | null;
  status!: CartStatus;
}

export const toCart = (row: CartRow): Cart => ({
  id: row.id,
  updatedAt: row.updated_at,
  customerId: row.customer_id,
  status: row.status,
});

/** The cart if the viewer may read it, else null: someone else's cart looks exactly like a missing one. */
export async function readableCart(ctx: Context, id: string): Promise<Cart | null> {
  const row = await ctx.loaders.cart.load(id);
  return row && canRead(ctx.viewer, { customerId: row.customer_id, status: row.status }) ? toCart(row) : null;
}

/** Catalog's variant of a line; catalog never forgets a variant (archived ones stay), so a miss is a fault. */
async function variantOf(ctx: Context, variantId: string): Promise<CatalogVariant> {
  const variant = await variantLoader(ctx).load(variantId);
  if (!variant) throw new Error(`catalog does not know variant ${variantId}`);
  return variant;
}

const unitPriceOf = (variant: CatalogVariant): Money => money(variant.price.amount, variant.price.currencyCode);

@Resolver(() => Cart)
export class CartResolver {
  @Query(() => Cart, { nullable: true, description: "(cart) A guest cart by id, or the caller's own cart." })
  cart(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<Cart | null> {
    return readableCart(ctx, id);
  }

  @FieldResolver(() => [CartLine])
  async lines(@Root() cart: Cart, @Ctx() ctx: Context): Promise<CartLine[]> {
    return (await ctx.loaders.linesOfCart.load(cart.id)).map(toLine);
  }

  @FieldResolver(() => Int)
  async totalQuantity(@Root() cart: Cart, @Ctx() ctx: Context): Promise<number> {
    return (await ctx.loaders.linesOfCart.load(cart.id)).reduce((sum, line) => sum + line.quantity, 0);
  }

  @FieldResolver(() => Money, { description: "At current catalog prices." })
  async subtotal(@Root() cart: Cart, @Ctx() ctx: Context): Promise<Money> {
    const lines = await ctx.loaders.linesOfCart.load(cart.id);
    const variants = await Promise.all(lines.map((line) => variantOf(ctx, line.variant_id)));
    const total = subtotal(
      lines.map((line, i) => ({ unitPrice: unitPriceOf(variants[i] as CatalogVariant), quantity: line.quantity })),
      ctx.services.currency,
    );
    return money(total.amount, total.currencyCode);
  }
}

@Resolver(() => CartLine)
export class CartLineResolver {
  @FieldResolver(() => Money, { description: "The variant's current catalog price." })
  async unitPrice(@Root() line: CartLine, @Ctx() ctx: Context): Promise<Money> {
    return unitPriceOf(await variantOf(ctx, line.variantId));
  }

  @FieldResolver(() => Money)
  async lineTotal(@Root() line: CartLine, @Ctx() ctx: Context): Promise<Money> {
    const total = lineTotal(unitPriceOf(await variantOf(ctx, line.variantId)), line.quantity);
    return money(total.amount, total.currencyCode);
  }
}

export const cartReference = {
  __resolveReference: (ref: { id: string }, ctx: Context) => readableCart(ctx, ref.id),
};
