import { payload, requireRole } from "@retailer/kit";
import { Arg, Ctx, ID, Int, Mutation, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import {
  CategoryPayload,
  CreateCategoryInput,
  CreateProductInput,
  ProductPayload,
  ProductVariantInput,
  ProductVariantPayload,
  UpdateCategoryInput,
  UpdateProductInput,
  UpdateVariantInput,
} from "./admin-inputs.js";
import { toCategory } from "./category.js";
import { toProduct } from "./product.js";
import { toVariant } from "./variant.js";

/** Catalog edits, all admin only: each resolver checks the role and hands the input to CatalogAdmin or Stock. */
@Resolver()
export class AdminMutations {
  @Mutation(() => ProductPayload)
  createProduct(
    @Ctx() ctx: Context,
    @Arg("input", () => CreateProductInput) input: CreateProductInput,
  ): Promise<ProductPayload> {
    const admin = requireRole(ctx.viewer, "ADMIN");
    return payload("product", async () => toProduct(await ctx.services.admin.createProduct(input, admin.id)));
  }

  @Mutation(() => ProductPayload)
  updateProduct(
    @Ctx() ctx: Context,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateProductInput) input: UpdateProductInput,
  ): Promise<ProductPayload> {
    requireRole(ctx.viewer, "ADMIN");
    return payload("product", async () => toProduct(await ctx.services.admin.updateProduct(id, input)));
  }

  @Mutation(() => ProductVariantPayload)
  addProductVariant(
    @Ctx() ctx: Context,
    @Arg("productId", () => ID) productId: string,
    @Arg("input", () => ProductVariantInput) input: ProductVariantInput,
  ): Promise<ProductVariantPayload> {
    const admin = requireRole(ctx.viewer, "ADMIN");
    return payload("variant", async () => toVariant(await ctx.services.admin.addVariant(productId, input, admin.id)));
  }

  @Mutation(() => ProductVariantPayload)
  updateProductVariant(
    @Ctx() ctx: Context,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateVariantInput) input: UpdateVariantInput,
  ): Promise<ProductVariantPayload> {
    requireRole(ctx.viewer, "ADMIN");
    return payload("variant", async () => toVariant(await ctx.services.admin.updateVariant(id, input)));
  }

  @Mutation(() => ProductVariantPayload, {
    description: "Adds delta (may be negative) to on-hand stock; on-hand never goes below reserved.",
  })
  adjustStock(
    @Ctx() ctx: Context,
    @Arg("variantId", () => ID) variantId: string,
    @Arg("delta", () => Int) delta: number,
    @Arg("reason", () => String, { nullable: true }) reason: string | null,
  ): Promise<ProductVariantPayload> {
    const admin = requireRole(ctx.viewer, "ADMIN");
    return payload("variant", async () =>
      toVariant(await ctx.services.stock.adjust(variantId, delta, reason, admin.id)),
    );
  }

  @Mutation(() => CategoryPayload)
  createCategory(
    @Ctx() ctx: Context,
    @Arg("input", () => CreateCategoryInput) input: CreateCategoryInput,
  ): Promise<CategoryPayload> {
    requireRole(ctx.viewer, "ADMIN");
    return payload("category", async () => toCategory(await ctx.services.admin.createCategory(input)));
  }

  @Mutation(() => CategoryPayload)
  updateCategory(
    @Ctx() ctx: Context,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateCategoryInput) input: UpdateCategoryInput,
  ): Promise<CategoryPayload> {
    requireRole(ctx.viewer, "ADMIN");
    return payload("category", async () => toCategory(await ctx.services.admin.updateCategory(id, input)));
  }
}
