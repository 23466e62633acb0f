import {
  AddressInput,
  canAccess,
  isAdmin,
  payload,
  requireRole,
  requireViewer,
  UserError,
  UserErrors,
  userError,
} from "@retailer/kit";
import { Arg, Ctx, Field, ID, InputType, Mutation, ObjectType, Resolver } from "type-graphql";
import { orderAccessToken } from "../access-token.js";
import type { Context } from "../context.js";
import { Order, toOrder } from "./order.js";

@InputType()
export class CheckoutInput {
  @Field(() => ID)
  cartId!: string;

  @Field(() => String, {
    nullable: true,
    description: "Required for a guest checkout; a signed-in customer's account email is used otherwise.",
  })
  email?: string | null;

  @Field(() => ID, { nullable: true, description: "Either a saved address of the customer ..." })
  addressId?: string | null;

  @Field(() => AddressInput, { nullable: true, description: "... or a new one." })
  shippingAddress?: AddressInput | null;

  @Field(() => String, {
    description:
      "Client-generated (e.g. a UUID per checkout attempt). Repeating a checkout with the same key returns the same order and charges once.",
  })
  idempotencyKey!: string;
}

@InputType()
export class ShipOrderInput {
  @Field(() => ID)
  orderId!: string;

  @Field(() => String)
  carrier!: string;

  @Field(() => String)
  trackingNumber!: string;
}

@ObjectType()
export class CheckoutPayload {
  @Field(() => Order, { nullable: true })
  order!: Order | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Guest checkout only: with the order id, lets the guest read and track this order (order, orderUpdated).",
  })
  orderAccessToken!: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class OrderPayload {
  @Field(() => Order, { nullable: true })
  order!: Order | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

const TEXT_MAX = 200;
const checkText = (value: string, field: string[]) => {
  const text = value.trim();
  if (!text || text.length > TEXT_MAX)
    throw new UserErrors(userError("INVALID_INPUT", `1 to ${TEXT_MAX} characters.`, field));
  return text;
};

@Resolver()
export class OrderMutations {
  @Mutation(() => CheckoutPayload, {
    description:
      "Turns the cart into an order: validates and reserves stock, snapshots prices, creates the payment. The order starts PENDING_PAYMENT; unpaid orders are cancelled and their stock released after a timeout.",
  })
  async checkout(
    @Ctx() ctx: Context,
    @Arg("input", () => CheckoutInput) input: CheckoutInput,
  ): Promise<CheckoutPayload> {
    const result = await payload("placed", () => ctx.services.checkout.run(ctx.viewer, input, ctx.requestId));
    const placed = result.placed;
    return {
      order: placed ? toOrder(placed.order, placed.guest) : null,
      orderAccessToken: placed?.guest ? orderAccessToken(ctx.services.tokenSecret, placed.order.id) : null,
      userErrors: result.userErrors,
    };
  }

  @Mutation(() => OrderPayload, {
    description:
      "Customer: while PENDING_PAYMENT or PAID (not yet shipped); a paid order is refunded. Admin: any time before DELIVERED.",
  })
  cancelOrder(
    @Ctx() ctx: Context,
    @Arg("id", () => ID) id: string,
    @Arg("reason", () => String, { nullable: true }) reason: string | null,
  ): Promise<OrderPayload> {
    const viewer = requireViewer(ctx.viewer);
    return payload("order", async () => {
      const row = await ctx.loaders.order.load(id);
      // Someone else's order is NOT_FOUND, as a missing one.
      if (!row || !canAccess(viewer, row.customer_id))
        throw new UserErrors(userError("NOT_FOUND", "No such order.", ["id"]));
      const note = reason ? checkText(reason, ["reason"]) : null;
      const updated = await ctx.services.lifecycle.transition(id, "CANCELLED", isAdmin(viewer) ? "ADMIN" : "CUSTOMER", {
        note,
        by: viewer.id,
        changes: { cancel_reason: note ?? "cancelled" },
        requestId: ctx.requestId,
      });
      return toOrder(updated);
    });
  }

  @Mutation(() => OrderPayload, { description: "Admin." })
  shipOrder(@Ctx() ctx: Context, @Arg("input", () => ShipOrderInput) input: ShipOrderInput): Promise<OrderPayload> {
    const admin = requireRole(ctx.viewer, "ADMIN");
    return payload("order", async () => {
      const carrier = checkText(input.carrier, ["input", "carrier"]);
      const trackingNumber = checkText(input.trackingNumber, ["input", "trackingNumber"]);
      const updated = await ctx.services.lifecycle.transition(input.orderId, "SHIPPED", "ADMIN", {
        note: `${carrier} ${trackingNumber}`,
        by: admin.id,
        changes: { carrier, tracking_number: trackingNumber },
        requestId: ctx.requestId,
      });
      return toOrder(updated);
    });
  }

  @Mutation(() => OrderPayload, { description: "Admin." })
  markOrderDelivered(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<OrderPayload> {
    const admin = requireRole(ctx.viewer, "ADMIN");
    return payload("order", async () =>
      toOrder(
        await ctx.services.lifecycle.transition(id, "DELIVERED", "ADMIN", { by: admin.id, requestId: ctx.requestId }),
      ),
    );
  }
}
