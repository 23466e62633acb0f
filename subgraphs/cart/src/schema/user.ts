import { Ctx, Directive, Field, FieldResolver, ID, ObjectType, Resolver, Root } from "type-graphql";
import { canSeeCustomerCart } from "../access.js";
import type { Context } from "../context.js";
import { Cart, toCart } from "./cart.js";

/** users' entity: cart contributes the customer's open cart. */
@Directive('@key(fields: "id")')
@ObjectType()
export class User {
  @Field(() => ID)
  id!: string;
}

@Resolver(() => User)
export class UserCartResolver {
  @FieldResolver(() => Cart, {
    nullable: true,
    description: "The signed-in customer's open cart, if any. (owner: cart)",
  })
  async cart(@Root() user: User, @Ctx() ctx: Context): Promise<Cart | null> {
    // Only the customer themselves or an admin; anyone else sees no cart.
    if (!canSeeCustomerCart(ctx.viewer, user.id)) return null;
    const row = await ctx.loaders.openCartOfCustomer.load(user.id);
    return row && toCart(row);
  }
}

export const userReference = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
};
