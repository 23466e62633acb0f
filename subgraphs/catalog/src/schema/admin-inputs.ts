import { UserError } from "@retailer/kit";
import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { Category } from "./category.js";
import { Product, ProductStatus } from "./product.js";
import { ProductVariant } from "./variant.js";

@InputType()
export class SelectedOptionInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  value!: string;
}

@InputType()
export class ImageInput {
  @Field(() => String)
  url!: string;

  @Field(() => String, { nullable: true })
  alt?: string | null;
}

@InputType()
export class ProductVariantInput {
  @Field(() => String)
  sku!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Int)
  price!: number;

  @Field(() => [SelectedOptionInput], { nullable: true, defaultValue: [] })
  options?: SelectedOptionInput[] | null;

  @Field(() => Int, { nullable: true, defaultValue: 0, description: "Initial on-hand stock." })
  stockOnHand?: number | null;
}

@InputType()
export class CreateProductInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  slug?: string | null;

  @Field(() => String, { nullable: true, defaultValue: "" })
  description?: string | null;

  @Field(() => ID, { nullable: true })
  categoryId?: string | null;

  @Field(() => ProductStatus, { nullable: true, defaultValue: ProductStatus.DRAFT })
  status?: ProductStatus | null;

  @Field(() => [ImageInput], { nullable: true, defaultValue: [] })
  images?: ImageInput[] | null;

  @Field(() => [ProductVariantInput])
  variants!: ProductVariantInput[];
}

@InputType()
export class UpdateProductInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  slug?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => ID, { nullable: true })
  categoryId?: string | null;

  @Field(() => ProductStatus, { nullable: true })
  status?: ProductStatus | null;

  @Field(() => [ImageInput], { nullable: true })
  images?: ImageInput[] | null;
}

@InputType()
export class UpdateVariantInput {
  @Field(() => String, { nullable: true })
  sku?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => Int, { nullable: true })
  price?: number | null;

  @Field(() => [SelectedOptionInput], { nullable: true })
  options?: SelectedOptionInput[] | null;
}

@InputType()
export class CreateCategoryInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  slug?: string | null;

  @Field(() => ID, { nullable: true })
  parentId?: string | null;
}

@InputType()
export class UpdateCategoryInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  slug?: string | null;

  @Field(() => ID, { nullable: true, description: "Move under this category; null makes it a root." })
  parentId?: string | null;
}

@ObjectType()
export class ProductPayload {
  @Field(() => Product, { nullable: true })
  product!: Product | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class ProductVariantPayload {
  @Field(() => ProductVariant, { nullable: true })
  variant!: ProductVariant | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class CategoryPayload {
  @Field(() => Category, { nullable: true })
  category!: Category | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
