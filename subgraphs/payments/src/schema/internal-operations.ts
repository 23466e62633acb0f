import { requireRole, UserErrors } from "@retailer/kit";
import { GraphQLError } from "graphql";
import { Arg, Ctx, Directive, Field, ID, InputType, Int, Mutation, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { Payment, toPayment } from "./payment.js";

@Directive("@inaccessible")
@InputType({ description: "Internal: what checkout knows of the order to pay." })
export class CreatePaymentForOrderInput {
  @Field(() => ID)
  orderId!: string;

  @Field(() => ID, { nullable: true, description: "Null for a guest order." })
  customerId?: string | null;

  @Field(() => String, { description: "The order's email (payment.failed reaches a guest through it)." })
  email!: string;

  @Field(() => Int, { description: "The order total, in minor units of the currency." })
  amount!: number;

  @Field(() => String, { description: "ISO 4217 code, e.g. USD." })
  currency!: string;
}

/**
 * Internal operations answer a failure as a GraphQL error whose
 * extensions.code is the domain's code (INVALID_INPUT, CONFLICT,
 * PAYMENT_FAILED, PAYMENT_UNAVAILABLE, ...), never as a 500.
 */
async function internal<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof UserErrors)) throw error;
    throw new GraphQLError(error.message, {
      extensions: {
        code: error.errors[0]?.code ?? "BAD_USER_INPUT",
        retryable: error.errors.some((e) => e.code === "PAYMENT_UNAVAILABLE"),
        userErrors: error.errors,
      },
    });
  }
}

@Resolver()
export class InternalPaymentOperations {
  @Directive("@inaccessible")
  @Mutation(() => Payment, {
    description:
      "Internal (services only): the order's payment, created at the provider once. Repeated or concurrent calls for one order return the first payment.",
  })
  createPaymentForOrder(
    @Ctx() ctx: Context,
    @Arg("input", () => CreatePaymentForOrderInput) input: CreatePaymentForOrderInput,
  ): Promise<Payment> {
    requireRole(ctx.viewer, "SERVICE");
    return internal(async () => toPayment(await ctx.services.payments.createForOrder(input)));
  }

  @Directive("@inaccessible")
  @Mutation(() => Payment, {
    nullable: true,
    description:
      "Internal (services only): cancels the order's payment while it is unpaid; null when the order has none. Idempotent; a settled payment is returned as it is.",
  })
  cancelPaymentForOrder(@Ctx() ctx: Context, @Arg("orderId", () => ID) orderId: string): Promise<Payment | null> {
    requireRole(ctx.viewer, "SERVICE");
    return internal(async () => {
      const row = await ctx.services.payments.cancelForOrder(orderId);
      return row && toPayment(row);
    });
  }
}
