import { requireRole } from "@retailer/kit";
import { Arg, Ctx, Directive, Field, ID, Int, Mutation, ObjectType, Resolver } from "type-graphql";
import type { Context } from "../context.js";

/*
 * Internal operations for checkout: @inaccessible, so the router never
 * exposes them, and callable only with a service token. Checkout closes the
 * cart first and reopens it when it fails (docs/architecture.md, checkout).
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

  @Field(() => ID, { nullable: true, description: "The order that closed it, for a CONVERTED cart." })
  orderId!: string | null;

  @Field(() => [InternalCartLine])
  lines!: InternalCartLine[];
}

@Resolver()
export class CartInternal {
  @Directive("@inaccessible")
  @Mutation(() => InternalCart, {
    nullable: true,
    description:
      "Internal, checkout's first step: closes an OPEN cart with lines for the order (status CONVERTED) and answers its lines; a repeat for the same order answers the same. Any other cart is answered as it is, unchanged. Null when the cart is unknown or not the customer's (a guest cart is anyone's).",
  })
  async internalCheckOutCart(
    @Ctx() ctx: Context,
    @Arg("id", () => ID) id: string,
    @Arg("orderId", () => ID) orderId: string,
    @Arg("customerId", () => ID, { nullable: true }) customerId: string | null,
  ): Promise<InternalCart | null> {
    requireRole(ctx.viewer, "SERVICE");
    const closed = await ctx.services.carts.checkOut(id, orderId, customerId ?? null);
    if (!closed) return null;
    const { cart, lines } = closed;
    return {
      id: cart.id,
      customerId: cart.customer_id,
      status: cart.status,
      orderId: cart.order_id,
      lines: lines.map((l) => ({ lineId: l.id, variantId: l.variant_id, quantity: l.quantity })),
    };
  }

  @Directive("@inaccessible")
  @Mutation(() => Boolean, {
    description:
      "Internal, the compensation of internalCheckOutCart when the checkout failed: the cart closed for that order opens again (or merges into the customer's newer open cart). Idempotent; answers whether it changed.",
  })
  internalReopenCart(
    @Ctx() ctx: Context,
    @Arg("id", () => ID) id: string,
    @Arg("orderId", () => ID) orderId: string,
  ): Promise<boolean> {
    requireRole(ctx.viewer, "SERVICE");
    return ctx.services.carts.reopen(id, orderId);
  }
}
