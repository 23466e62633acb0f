import { isUuid, payload, requireRole, UserError } from "@retailer/kit";
import { Arg, Ctx, Directive, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { ProductVariant, toVariant } from "./variant.js";

/*
 * Internal operations for checkout and the cart: @inaccessible, so the router
 * never exposes them, and callable only with a service token.
 */

@Directive("@inaccessible")
@InputType()
export class StockLineInput {
  @Field(() => ID)
  variantId!: string;

  @Field(() => Int)
  quantity!: number;
}

@Directive("@inaccessible")
@ObjectType()
export class ReservedLine {
  @Field(() => ID)
  variantId!: string;

  @Field(() => ID)
  productId!: string;

  @Field(() => String)
  sku!: string;

  @Field(() => String)
  productName!: string;

  @Field(() => String)
  variantName!: string;

  @Field(() => Int, { description: "Authoritative unit price in minor units." })
  unitPrice!: number;

  @Field(() => String)
  currency!: string;

  @Field(() => Int)
  quantity!: number;
}

@Directive("@inaccessible")
@ObjectType()
export class StockShortage {
  @Field(() => ID)
  variantId!: string;

  @Field(() => Int)
  requested!: number;

  @Field(() => Int)
  available!: number;
}

@Directive("@inaccessible")
@ObjectType()
export class StockReservation {
  @Field(() => Boolean)
  ok!: boolean;

  @Field(() => [ReservedLine])
  lines!: ReservedLine[];

  @Field(() => [StockShortage])
  shortages!: StockShortage[];

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@Resolver()
export class StockInternal {
  @Directive("@inaccessible")
  @Mutation(() => StockReservation, {
    description: "Internal: reserve every line for an order, or none. Idempotent by order id.",
  })
  async reserveStock(
    @Ctx() ctx: Context,
    @Arg("orderId", () => ID) orderId: string,
    @Arg("lines", () => [StockLineInput]) lines: StockLineInput[],
  ): Promise<StockReservation> {
    requireRole(ctx.viewer, "SERVICE");
    const result = await payload("reservation", () => ctx.services.stock.reserve(orderId, lines));
    const reservation = result.reservation;
    return {
      ok: reservation?.ok ?? false,
      lines: reservation?.ok ? reservation.lines : [],
      shortages: reservation && !reservation.ok ? reservation.shortages : [],
      userErrors: result.userErrors,
    };
  }

  @Directive("@inaccessible")
  @Mutation(() => Int, {
    description: "Internal: release an order's reservation. Idempotent; answers the lines released.",
  })
  async releaseStock(@Ctx() ctx: Context, @Arg("orderId", () => ID) orderId: string): Promise<number> {
    requireRole(ctx.viewer, "SERVICE");
    return (await ctx.services.stock.release(orderId)).length;
  }

  @Directive("@inaccessible")
  @Mutation(() => Int, {
    description: "Internal: commit an order's reservation (paid). Idempotent; answers the lines committed.",
  })
  async commitStock(@Ctx() ctx: Context, @Arg("orderId", () => ID) orderId: string): Promise<number> {
    requireRole(ctx.viewer, "SERVICE");
    return (await ctx.services.stock.commit(orderId)).length;
  }

  @Directive("@inaccessible")
  @Query(() => [ProductVariant], {
    nullable: "items",
    description:
      "Internal: variants by id with current price and availability, in the order asked (the cart's prices).",
  })
  async internalVariants(
    @Ctx() ctx: Context,
    @Arg("ids", () => [ID]) ids: string[],
  ): Promise<(ProductVariant | null)[]> {
    requireRole(ctx.viewer, "SERVICE");
    const rows = await ctx.loaders.variant.loadMany(
      ids.slice(0, 500).map((id) => (isUuid(id) ? id : "00000000-0000-0000-0000-000000000000")),
    );
    return rows.map((row) => (row && !(row instanceof Error) ? toVariant(row) : null));
  }
}
