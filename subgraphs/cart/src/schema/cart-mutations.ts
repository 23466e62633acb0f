import { payload, requireRole, UserError } from "@retailer/kit";
import { Arg, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Resolver } from "type-graphql";
import { type Context, variantLookup } from "../context.js";
import type { CartRow } from "../db/database.js";
import { Cart, toCart } from "./cart.js";

@InputType()
export class CartLineInput {
  @Field(() => ID)
  variantId!: string;

  @Field(() => Int, { description: "1..99 per line." })
  quantity!: number;
}

@InputType()
export class CartLineUpdateInput {
  @Field(() => ID)
  lineId!: string;

  @Field(() => Int, { description: "0 removes the line." })
  quantity!: number;
}

@ObjectType()
export class CartPayload {
  @Field(() => Cart, { nullable: true })
  cart!: Cart | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

/**
 * Runs a change and answers the cart as it now is. The request's loaders
 * forget what they held of that cart, so its fields are read afresh.
 */
function answer(ctx: Context, change: () => Promise<CartRow>): Promise<CartPayload> {
  return payload("cart", async () => {
    const row = await change();
    ctx.loaders.cart.clear(row.id).prime(row.id, row);
    ctx.loaders.linesOfCart.clear(row.id);
    if (row.customer_id) ctx.loaders.openCartOfCustomer.clear(row.customer_id);
    return toCart(row);
  });
}

/** Thin resolvers: each hands its input to Carts, which holds the rules. */
@Resolver()
export class CartMutations {
  @Mutation(() => CartPayload, { description: "Creates a cart; for a signed-in customer it is assigned to them." })
  createCart(
    @Ctx() ctx: Context,
    @Arg("lines", () => [CartLineInput], { nullable: true, defaultValue: [] }) lines: CartLineInput[] | null,
  ): Promise<CartPayload> {
    return answer(ctx, () => ctx.services.carts.create(ctx.viewer, lines ?? [], variantLookup(ctx)));
  }

  @Mutation(() => CartPayload, { description: "Adding a variant already in the cart adds to that line's quantity." })
  addCartLines(
    @Ctx() ctx: Context,
    // Declared after cartId in the schema: type-graphql prints arguments in reverse.
    @Arg("lines", () => [CartLineInput]) lines: CartLineInput[],
    @Arg("cartId", () => ID) cartId: string,
  ): Promise<CartPayload> {
    return answer(ctx, () => ctx.services.carts.addLines(ctx.viewer, cartId, lines, variantLookup(ctx)));
  }

  @Mutation(() => CartPayload)
  updateCartLines(
    @Ctx() ctx: Context,
    @Arg("lines", () => [CartLineUpdateInput]) lines: CartLineUpdateInput[],
    @Arg("cartId", () => ID) cartId: string,
  ): Promise<CartPayload> {
    return answer(ctx, () => ctx.services.carts.updateLines(ctx.viewer, cartId, lines, variantLookup(ctx)));
  }

  @Mutation(() => CartPayload)
  removeCartLines(
    @Ctx() ctx: Context,
    @Arg("lineIds", () => [ID]) lineIds: string[],
    @Arg("cartId", () => ID) cartId: string,
  ): Promise<CartPayload> {
    return answer(ctx, () => ctx.services.carts.removeLines(ctx.viewer, cartId, lineIds));
  }

  @Mutation(() => CartPayload, {
    description:
      "After sign-in: moves a guest cart's lines into the customer's cart (quantities of the same variant are added) and returns that cart.",
  })
  assignCartToMe(@Ctx() ctx: Context, @Arg("cartId", () => ID) cartId: string): Promise<CartPayload> {
    const customer = requireRole(ctx.viewer, "CUSTOMER");
    return answer(ctx, () => ctx.services.carts.assignToMe(customer.id, cartId));
  }
}
