import { type EventBus, isUuid, type Kysely, type UserErrorShape, UserErrors, userError } from "@retailer/kit";
import {
  ancestorIds,
  categorySlugTaken,
  findCategoriesByIds,
  insertCategory,
  updateCategoryRow,
} from "./db/category.repository.js";
import type { CatalogDatabase, CategoryRow, ImageJson, OptionJson, ProductRow, VariantRow } from "./db/database.js";
import { insertProduct, refreshPriceRange, slugTaken, updateProductRow } from "./db/product.repository.js";
import { recordMovements } from "./db/stock.repository.js";
import {
  findTakenSkus,
  insertVariants,
  lockVariants,
  nextVariantPosition,
  updateVariantRow,
} from "./db/variant.repository.js";
import {
  checkDescription,
  checkImages,
  checkName,
  checkOptions,
  checkPrice,
  checkSku,
  checkSlug,
  checkStock,
  LIMITS,
  slugify,
} from "./rules.js";
import { variantChanged } from "./stock.js";

type Status = ProductRow["status"];

export interface ImageInput {
  url: string;
  alt?: string | null;
}

const toImages = (images: ImageInput[]): ImageJson[] => images.map((i) => ({ url: i.url, alt: i.alt ?? null }));

export interface VariantInput {
  sku: string;
  name: string;
  price: number;
  options?: OptionJson[] | null;
  stockOnHand?: number | null;
}

export interface ProductInput {
  name: string;
  slug?: string | null;
  description?: string | null;
  categoryId?: string | null;
  status?: Status | null;
  images?: ImageInput[] | null;
  variants: VariantInput[];
}

export type ProductChanges = Partial<Omit<ProductInput, "variants" | "name">> & { name?: string | null };

const fail = (errors: UserErrorShape[]) => {
  if (errors.length > 0) throw new UserErrors(errors);
};

/**
 * The admin's catalog edits. Every rule answers a userError with the input
 * path; every edit is one transaction that writes nothing on error and
 * announces changed prices as catalog.variant_changed.
 */
export class CatalogAdmin {
  constructor(
    private readonly db: Kysely<CatalogDatabase>,
    private readonly bus: EventBus,
    private readonly currency: string,
  ) {}

  createProduct(input: ProductInput, actor: string): Promise<ProductRow> {
    const errors: UserErrorShape[] = [];
    checkName(input.name, ["input", "name"], errors);
    if (input.slug != null) checkSlug(input.slug, ["input", "slug"], errors);
    checkDescription(input.description ?? "", ["input", "description"], errors);
    checkImages(input.images ?? [], ["input", "images"], errors);
    if (input.variants.length === 0 || input.variants.length > LIMITS.variants) {
      errors.push(userError("INVALID_INPUT", `A product has 1 to ${LIMITS.variants} variants.`, ["input", "variants"]));
    }
    input.variants.forEach((v, i) => {
      checkVariant(v, ["input", "variants", i], errors);
    });
    duplicateSkus(input.variants, errors);
    fail(errors);

    return this.db
      .transaction()
      .execute(async (trx) => {
        await this.#checkCategory(trx, input.categoryId ?? null, ["input", "categoryId"]);
        const slug = input.slug ?? (await freeSlug((s) => slugTaken(trx, s), slugify(input.name) || "product"));
        if (input.slug != null && (await slugTaken(trx, slug))) {
          throw new UserErrors(userError("SLUG_TAKEN", `The slug ${slug} is taken.`, ["input", "slug"]));
        }
        await this.#checkSkus(
          trx,
          input.variants.map((v) => v.sku.trim()),
          ["input", "variants"],
        );
        const product = await insertProduct(trx, {
          slug,
          name: input.name.trim(),
          description: input.description ?? "",
          status: input.status ?? "DRAFT",
          category_id: input.categoryId ?? null,
          images: JSON.stringify(toImages(input.images ?? [])),
        });
        const variants = await insertVariants(
          trx,
          input.variants.map((v, position) => this.#newVariant(product.id, v, position)),
        );
        await recordMovements(
          trx,
          variants
            .filter((v) => v.on_hand > 0)
            .map((v) => ({
              variant_id: v.id,
              kind: "ADJUST" as const,
              on_hand_delta: v.on_hand,
              reserved_delta: 0,
              order_id: null,
              reason: "initial stock",
              actor,
            })),
        );
        await refreshPriceRange(trx, product.id);
        for (const v of variants) await this.bus.publish(trx, "catalog.variant_changed", variantChanged(v));
        return product;
      })
      .catch(mapUniqueViolation);
  }

  updateProduct(id: string, changes: ProductChanges): Promise<ProductRow> {
    const errors: UserErrorShape[] = [];
    if (changes.name != null) checkName(changes.name, ["input", "name"], errors);
    if (changes.slug != null) checkSlug(changes.slug, ["input", "slug"], errors);
    if (changes.description != null) checkDescription(changes.description, ["input", "description"], errors);
    if (changes.images != null) checkImages(changes.images, ["input", "images"], errors);
    fail(errors);
    return this.db
      .transaction()
      .execute(async (trx) => {
        if (changes.categoryId != null) await this.#checkCategory(trx, changes.categoryId, ["input", "categoryId"]);
        if (changes.slug != null && (await slugTaken(trx, changes.slug, id))) {
          throw new UserErrors(userError("SLUG_TAKEN", `The slug ${changes.slug} is taken.`, ["input", "slug"]));
        }
        const row = isUuid(id)
          ? await updateProductRow(trx, id, {
              ...(changes.name != null ? { name: changes.name.trim() } : {}),
              ...(changes.slug != null ? { slug: changes.slug } : {}),
              ...(changes.description != null ? { description: changes.description } : {}),
              ...(changes.categoryId !== undefined ? { category_id: changes.categoryId } : {}),
              ...(changes.status != null ? { status: changes.status } : {}),
              ...(changes.images != null ? { images: JSON.stringify(toImages(changes.images)) } : {}),
            })
          : undefined;
        if (!row) throw new UserErrors(userError("NOT_FOUND", "No such product.", ["id"]));
        return row;
      })
      .catch(mapUniqueViolation);
  }

  addVariant(productId: string, input: VariantInput, actor: string): Promise<VariantRow> {
    const errors: UserErrorShape[] = [];
    checkVariant(input, ["input"], errors);
    fail(errors);
    return this.db
      .transaction()
      .execute(async (trx) => {
        const product = isUuid(productId) ? await updateProductRow(trx, productId, {}) : undefined;
        if (!product) throw new UserErrors(userError("NOT_FOUND", "No such product.", ["productId"]));
        await this.#checkSkus(trx, [input.sku.trim()], ["input"]);
        const [variant] = await insertVariants(trx, [
          this.#newVariant(productId, input, await nextVariantPosition(trx, productId)),
        ]);
        if (!variant) throw new Error("variant insert returned nothing");
        if (variant.on_hand > 0) {
          await recordMovements(trx, [
            {
              variant_id: variant.id,
              kind: "ADJUST",
              on_hand_delta: variant.on_hand,
              reserved_delta: 0,
              order_id: null,
              reason: "initial stock",
              actor,
            },
          ]);
        }
        await refreshPriceRange(trx, productId);
        await this.bus.publish(trx, "catalog.variant_changed", variantChanged(variant));
        return variant;
      })
      .catch(mapUniqueViolation);
  }

  updateVariant(
    id: string,
    changes: { sku?: string | null; name?: string | null; price?: number | null; options?: OptionJson[] | null },
  ) {
    const errors: UserErrorShape[] = [];
    if (changes.sku != null) checkSku(changes.sku.trim(), ["input", "sku"], errors);
    if (changes.name != null) checkName(changes.name, ["input", "name"], errors);
    if (changes.price != null) checkPrice(changes.price, ["input", "price"], errors);
    if (changes.options != null) checkOptions(changes.options, ["input", "options"], errors);
    fail(errors);
    return this.db
      .transaction()
      .execute(async (trx) => {
        const [current] = isUuid(id) ? await lockVariants(trx, [id]) : [];
        if (!current) throw new UserErrors(userError("NOT_FOUND", "No such variant.", ["id"]));
        if (changes.sku != null) await this.#checkSkus(trx, [changes.sku.trim()], ["input"], id);
        const updated = (await updateVariantRow(trx, id, {
          ...(changes.sku != null ? { sku: changes.sku.trim() } : {}),
          ...(changes.name != null ? { name: changes.name.trim() } : {}),
          ...(changes.price != null ? { price: changes.price } : {}),
          ...(changes.options != null ? { options: JSON.stringify(trimOptions(changes.options)) } : {}),
        })) as VariantRow;
        if (changes.price != null && changes.price !== current.price) {
          await refreshPriceRange(trx, current.product_id);
          await this.bus.publish(trx, "catalog.variant_changed", variantChanged(updated));
        }
        return updated;
      })
      .catch(mapUniqueViolation);
  }

  createCategory(input: { name: string; slug?: string | null; parentId?: string | null }): Promise<CategoryRow> {
    const errors: UserErrorShape[] = [];
    checkName(input.name, ["input", "name"], errors);
    if (input.slug != null) checkSlug(input.slug, ["input", "slug"], errors);
    fail(errors);
    return this.db
      .transaction()
      .execute(async (trx) => {
        await this.#checkCategory(trx, input.parentId ?? null, ["input", "parentId"]);
        const slug =
          input.slug ?? (await freeSlug((s) => categorySlugTaken(trx, s), slugify(input.name) || "category"));
        if (input.slug != null && (await categorySlugTaken(trx, slug))) {
          throw new UserErrors(userError("SLUG_TAKEN", `The slug ${slug} is taken.`, ["input", "slug"]));
        }
        return insertCategory(trx, { name: input.name.trim(), slug, parent_id: input.parentId ?? null });
      })
      .catch(mapUniqueViolation);
  }

  updateCategory(
    id: string,
    input: { name?: string | null; slug?: string | null; parentId?: string | null },
  ): Promise<CategoryRow> {
    const errors: UserErrorShape[] = [];
    if (input.name != null) checkName(input.name, ["input", "name"], errors);
    if (input.slug != null) checkSlug(input.slug, ["input", "slug"], errors);
    fail(errors);
    return this.db
      .transaction()
      .execute(async (trx) => {
        const [current] = isUuid(id) ? await findCategoriesByIds(trx, [id]) : [];
        if (!current) throw new UserErrors(userError("NOT_FOUND", "No such category.", ["id"]));
        if (input.parentId) {
          await this.#checkCategory(trx, input.parentId, ["input", "parentId"]);
          // The new parent's ancestors (itself included) must not contain this category.
          if ((await ancestorIds(trx, input.parentId)).includes(id)) {
            throw new UserErrors(
              userError("CATEGORY_CYCLE", "A category cannot be placed under itself or its descendants.", [
                "input",
                "parentId",
              ]),
            );
          }
        }
        if (input.slug != null && (await categorySlugTaken(trx, input.slug, id))) {
          throw new UserErrors(userError("SLUG_TAKEN", `The slug ${input.slug} is taken.`, ["input", "slug"]));
        }
        return (await updateCategoryRow(trx, id, {
          ...(input.name != null ? { name: input.name.trim() } : {}),
          ...(input.slug != null ? { slug: input.slug } : {}),
          ...(input.parentId !== undefined ? { parent_id: input.parentId } : {}),
        })) as CategoryRow;
      })
      .catch(mapUniqueViolation);
  }

  #newVariant(productId: string, v: VariantInput, position: number) {
    return {
      product_id: productId,
      sku: v.sku.trim(),
      name: v.name.trim(),
      price: v.price,
      currency: this.currency,
      options: JSON.stringify(trimOptions(v.options ?? [])),
      on_hand: v.stockOnHand ?? 0,
      position,
    };
  }

  async #checkCategory(db: Kysely<CatalogDatabase>, id: string | null, path: string[]): Promise<void> {
    if (id === null) return;
    const found = isUuid(id) ? await findCategoriesByIds(db, [id]) : [];
    if (found.length === 0) throw new UserErrors(userError("UNKNOWN_CATEGORY", "No such category.", path));
  }

  async #checkSkus(db: Kysely<CatalogDatabase>, skus: string[], path: (string | number)[], exceptId?: string) {
    const taken = await findTakenSkus(db, skus, exceptId);
    if (taken.length > 0) {
      throw new UserErrors(
        taken.map((sku) =>
          userError("SKU_TAKEN", `The SKU ${sku} is taken.`, [
            ...path,
            ...(skus.length > 1 ? [skus.indexOf(sku)] : []),
            "sku",
          ]),
        ),
      );
    }
  }
}

function checkVariant(v: VariantInput, path: (string | number)[], errors: UserErrorShape[]): void {
  checkSku(v.sku.trim(), [...path, "sku"], errors);
  checkName(v.name, [...path, "name"], errors);
  checkPrice(v.price, [...path, "price"], errors);
  checkOptions(v.options ?? [], [...path, "options"], errors);
  checkStock(v.stockOnHand ?? 0, [...path, "stockOnHand"], errors);
}

function duplicateSkus(variants: VariantInput[], errors: UserErrorShape[]): void {
  const seen = new Set<string>();
  variants.forEach((v, i) => {
    const sku = v.sku.trim();
    if (seen.has(sku))
      errors.push(userError("DUPLICATE_SKU", `The SKU ${sku} is given twice.`, ["input", "variants", i, "sku"]));
    seen.add(sku);
  });
}

const trimOptions = (options: OptionJson[]): OptionJson[] =>
  options.map((o) => ({ name: o.name.trim(), value: o.value.trim() }));

/** `base`, or `base-2`, `base-3`, ... whichever is free first. */
async function freeSlug(taken: (slug: string) => Promise<boolean>, base: string): Promise<string> {
  for (let n = 1; ; n += 1) {
    const slug = n === 1 ? base : `${base}-${n}`;
    if (!(await taken(slug))) return slug;
  }
}

/** A concurrent insert won the unique SKU or slug: say which, as the check would have. */
function mapUniqueViolation(error: unknown): never {
  const e = error as { code?: string; constraint?: string };
  if (e.code === "23505") {
    if (e.constraint?.includes("sku"))
      throw new UserErrors(userError("SKU_TAKEN", "That SKU is taken.", ["input", "sku"]));
    if (e.constraint?.includes("slug"))
      throw new UserErrors(userError("SLUG_TAKEN", "That slug is taken.", ["input", "slug"]));
  }
  throw error;
}
