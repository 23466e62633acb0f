import { isUuid, requireRole } from "@retailer/kit";
import { Arg, Ctx, Directive, Field, ID, Int, ObjectType, Query, Resolver } from "type-graphql";
import type { Context } from "../context.js";

/*
 * Internal operations for checkout: @inaccessible, so the router never
 * exposes them, and callable only with a service token.
 */

@Directive("@inaccessible")
@ObjectType()
export class InternalCartLine {
  @Field(() => ID)
  lineId!: string;

  @Field(() => ID)
  variantId!: string;

  @Field(() => Int)
  quantity!: number;
}

@Directive("@inaccessible")
@ObjectType()
export class InternalCart {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true, description: "null for a guest cart." })
  customerId!: string | null;

  @Field(() => String, { description: "OPEN, MERGED or CONVERTED; only an OPEN cart may be checked out." })
  status!: string;

  @Field(() => [InternalCartLine])
  lines!: InternalCartLine[];
}

@Resolver()
export class CartInternal {
  @Directive("@inaccessible")
  @Query(() => InternalCart, {
    nullable: true,
    description:
      "Internal: a cart's owner, status and lines for checkout, null when unknown. The caller checks the owner against the order's customer.",
  })
  async internalCart(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<InternalCart | null> {
    requireRole(ctx.viewer, "SERVICE");
    if (!isUuid(id)) return null;
    const [cart, lines] = await Promise.all([ctx.loaders.cart.load(id), ctx.loaders.linesOfCart.load(id)]);
    if (!cart) return null;
    return {
      id: cart.id,
      customerId: cart.customer_id,
      status: cart.status,
      lines: lines.map((l) => ({ lineId: l.id, variantId: l.variant_id, quantity: l.quantity })),
    };
  }
}
