import { payload, requireRole, UserError } from "@retailer/kit";
import { Arg, Ctx, Field, ID, Int, Mutation, ObjectType, Resolver, registerEnumType } from "type-graphql";
import type { Context } from "../context.js";
import { Payment, toPayment } from "./payment.js";

export enum TestPaymentOutcome {
  SUCCEED = "SUCCEED",
  DECLINE = "DECLINE",
}
registerEnumType(TestPaymentOutcome, { name: "TestPaymentOutcome" });

@ObjectType()
export class PaymentPayload {
  @Field(() => Payment, { nullable: true })
  payment!: Payment | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@Resolver()
export class PaymentMutations {
  @Mutation(() => PaymentPayload, {
    description:
      "Only with the TEST provider enabled: settles a TEST payment as the provider's webhook would. Allowed to the payment's customer and admins; a guest order's payment to anyone holding its id.",
  })
  confirmTestPayment(
    @Ctx() ctx: Context,
    @Arg("paymentId", () => ID) paymentId: string,
    @Arg("outcome", () => TestPaymentOutcome, { nullable: true, defaultValue: TestPaymentOutcome.SUCCEED })
    outcome: TestPaymentOutcome | null,
  ): Promise<PaymentPayload> {
    return payload("payment", async () =>
      toPayment(await ctx.services.payments.confirmTestPayment(ctx.viewer, paymentId, outcome ?? "SUCCEED")),
    );
  }

  @Mutation(() => PaymentPayload, { description: "Admin. Without amount, refunds what is left." })
  refundPayment(
    @Ctx() ctx: Context,
    @Arg("paymentId", () => ID) paymentId: string,
    @Arg("amount", () => Int, { nullable: true }) amount: number | null,
    @Arg("reason", () => String, { nullable: true }) reason: string | null,
  ): Promise<PaymentPayload> {
    requireRole(ctx.viewer, "ADMIN");
    return payload("payment", async () => toPayment(await ctx.services.refunds.refund(paymentId, { amount, reason })));
  }
}
