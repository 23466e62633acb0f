import { Arg, Ctx, Directive, Field, FieldResolver, ID, Int, ObjectType, Query, Resolver, Root } from "type-graphql";
import { canSeeCart } from "../access.js";
import type { Context } from "../context.js";
import type { CartLineRow, CartRow } from "../db/database.js";
import { ProductVariant } from "./product-variant.js";

@ObjectType()
export class CartLine {
  @Field(() => ID)
  id!: string;

  @Field(() => ProductVariant)
  variant!: ProductVariant;

  @Field(() => Int)
  quantity!: number;
}

const toLine = (row: CartLineRow): CartLine => ({
  id: row.id,
  variant: { id: row.variant_id },
  quantity: row.quantity,
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
}

const toCart = (row: CartRow): Cart => ({ id: row.id, updatedAt: row.updated_at });

async function visibleCart(ctx: Context, id: string): Promise<Cart | null> {
  const row = await ctx.loaders.cart.load(id);
  return row && canSeeCart(ctx.viewer, row) ? toCart(row) : null;
}

@Resolver(() => Cart)
export class CartResolver {
  @Query(() => Cart, { nullable: true, description: "(cart) A guest cart by id, or the caller's own cart." })
  cart(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<Cart | null> {
    return visibleCart(ctx, id);
  }

  @FieldResolver(() => [CartLine])
  async lines(@Root() cart: Cart, @Ctx() ctx: Context): Promise<CartLine[]> {
    return (await ctx.loaders.linesOfCart.load(cart.id)).map(toLine);
  }

  @FieldResolver(() => Int)
  async totalQuantity(@Root() cart: Cart, @Ctx() ctx: Context): Promise<number> {
    return (await ctx.loaders.linesOfCart.load(cart.id)).reduce((sum, line) => sum + line.quantity, 0);
  }
}

export const cartReference = {
  __resolveReference: (ref: { id: string }, ctx: Context) => visibleCart(ctx, ref.id),
};
