import { type UserErrorShape, userError } from "@retailer/kit";

/** What the catalog accepts; each check reports userErrors at its input path. */
export const LIMITS = {
  name: 200,
  slug: 100,
  description: 20_000,
  price: 100_000_000,
  stock: 1_000_000,
  variants: 100,
  options: 10,
  optionText: 50,
  images: 20,
  url: 2_000,
} as const;

type Path = (string | number)[];
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, LIMITS.slug)
    .replace(/-+$/, "");
}

export function checkName(name: string, path: Path, errors: UserErrorShape[]): void {
  const value = name.trim();
  if (!value) errors.push(userError("INVALID_INPUT", "The name is required.", path));
  else if (value.length > LIMITS.name)
    errors.push(userError("INVALID_INPUT", `The name can have at most ${LIMITS.name} characters.`, path));
}

export function checkSlug(slug: string, path: Path, errors: UserErrorShape[]): void {
  if (slug.length > LIMITS.slug || !SLUG.test(slug)) {
    errors.push(userError("INVALID_SLUG", "A slug is lower-case letters and digits joined by single dashes.", path));
  }
}

export function checkDescription(description: string, path: Path, errors: UserErrorShape[]): void {
  if (description.length > LIMITS.description) {
    errors.push(userError("INVALID_INPUT", `The description can have at most ${LIMITS.description} characters.`, path));
  }
}

export function checkSku(sku: string, path: Path, errors: UserErrorShape[]): void {
  if (!SKU.test(sku)) {
    errors.push(userError("INVALID_SKU", "A SKU is 1 to 64 letters, digits, dots, dashes or underscores.", path));
  }
}

export function checkPrice(price: number, path: Path, errors: UserErrorShape[]): void {
  if (!Number.isInteger(price) || price < 0 || price > LIMITS.price) {
    errors.push(
      userError("INVALID_PRICE", `A price is a whole number of minor units from 0 to ${LIMITS.price}.`, path),
    );
  }
}

export function checkStock(quantity: number, path: Path, errors: UserErrorShape[]): void {
  if (!Number.isInteger(quantity) || quantity < 0 || quantity > LIMITS.stock) {
    errors.push(userError("INVALID_INPUT", `Stock is a whole number from 0 to ${LIMITS.stock}.`, path));
  }
}

export function checkOptions(options: { name: string; value: string }[], path: Path, errors: UserErrorShape[]): void {
  if (options.length > LIMITS.options) {
    errors.push(userError("INVALID_INPUT", `A variant can have at most ${LIMITS.options} options.`, path));
  }
  const names = new Set<string>();
  options.forEach((option, i) => {
    for (const key of ["name", "value"] as const) {
      const value = option[key].trim();
      if (!value || value.length > LIMITS.optionText) {
        errors.push(
          userError("INVALID_INPUT", `An option ${key} is 1 to ${LIMITS.optionText} characters.`, [...path, i, key]),
        );
      }
    }
    const name = option.name.trim().toLowerCase();
    if (names.has(name))
      errors.push(userError("INVALID_INPUT", `The option ${option.name} is given twice.`, [...path, i, "name"]));
    names.add(name);
  });
}

export function checkImages(
  images: { url: string; alt?: string | null }[],
  path: Path,
  errors: UserErrorShape[],
): void {
  if (images.length > LIMITS.images) errors.push(userError("INVALID_INPUT", `At most ${LIMITS.images} images.`, path));
  images.forEach((image, i) => {
    let ok = image.url.length <= LIMITS.url;
    try {
      ok &&= ["http:", "https:"].includes(new URL(image.url).protocol);
    } catch {
      ok = false;
    }
    if (!ok) errors.push(userError("INVALID_INPUT", "An image URL must be an http(s) URL.", [...path, i, "url"]));
    if ((image.alt ?? "").length > LIMITS.name) {
      errors.push(
        userError("INVALID_INPUT", `Alt text can have at most ${LIMITS.name} characters.`, [...path, i, "alt"]),
      );
    }
  });
}
