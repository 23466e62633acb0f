import { AddressInput, payload, requireViewer } from "@retailer/kit";
import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { toAddress } from "./address.js";
import { AddressPayload, DeletePayload } from "./payloads.js";

@Resolver()
export class AddressMutations {
  @Mutation(() => AddressPayload)
  addAddress(@Ctx() ctx: Context, @Arg("input", () => AddressInput) input: AddressInput): Promise<AddressPayload> {
    const viewer = requireViewer(ctx.viewer);
    return payload("address", async () => toAddress(await ctx.services.addresses.add(viewer.id, input)));
  }

  @Mutation(() => AddressPayload)
  updateAddress(
    @Ctx() ctx: Context,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => AddressInput) input: AddressInput,
  ): Promise<AddressPayload> {
    const viewer = requireViewer(ctx.viewer);
    return payload("address", async () => toAddress(await ctx.services.addresses.update(viewer.id, id, input)));
  }

  @Mutation(() => DeletePayload)
  removeAddress(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<DeletePayload> {
    const viewer = requireViewer(ctx.viewer);
    return payload("deletedId", () => ctx.services.addresses.remove(viewer.id, id));
  }
}
