import { isUuid, type UserErrorShape, userError } from "@retailer/kit";
import type { CatalogVariant } from "./catalog.js";

/**
 * The cart's rules, as plain functions over plain data: no GraphQL, no SQL.
 * Each answers what to write and every userError found, with the input path.
 */

export const MAX_LINE_QUANTITY = 99;
export const MAX_LINES = 100;

export type Path = readonly (string | number)[];

export interface LineInput {
  variantId: string;
  quantity: number;
}

export interface LineUpdate {
  lineId: string;
  quantity: number;
}

/** A line of a cart as stored. */
export interface Line {
  id: string;
  variantId: string;
  quantity: number;
}

/** A line's variant with its final quantity: what to write. */
export interface LineQuantity {
  variantId: string;
  quantity: number;
}

export type Variants = ReadonlyMap<string, CatalogVariant | null>;

export interface Outcome {
  /** Lines to insert or whose quantity to set. */
  save: LineQuantity[];
  /** Line ids to delete. */
  remove: string[];
  errors: UserErrorShape[];
}

const isWhole = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;

/** On sale: its product is ACTIVE (DRAFT and ARCHIVED products cannot be bought). */
export const onSale = (variant: CatalogVariant): boolean => variant.product.status === "ACTIVE";

const tooManyLines = (count: number, path: Path) =>
  userError("TOO_MANY_LINES", `A cart holds at most ${MAX_LINES} lines; this would make ${count}.`, path);

/** Shape of lines to add (createCart, addCartLines), before anything is looked up. */
export function checkLineInputs(lines: readonly LineInput[], path: Path, allowEmpty = false): UserErrorShape[] {
  const errors: UserErrorShape[] = [];
  if (lines.length > MAX_LINES) errors.push(tooManyLines(lines.length, path));
  else if (lines.length === 0 && !allowEmpty) errors.push(userError("INVALID_INPUT", "Give at least one line.", path));
  lines.slice(0, MAX_LINES).forEach((line, i) => {
    if (!isUuid(line.variantId)) errors.push(userError("NOT_FOUND", "No such variant.", [...path, i, "variantId"]));
    if (!isWhole(line.quantity, 1, MAX_LINE_QUANTITY)) {
      errors.push(
        userError("INVALID_INPUT", `quantity is a whole number from 1 to ${MAX_LINE_QUANTITY}.`, [
          ...path,
          i,
          "quantity",
        ]),
      );
    }
  });
  return errors;
}

/** Shape of line updates, before anything is looked up. */
export function checkLineUpdates(updates: readonly LineUpdate[], path: Path): UserErrorShape[] {
  const errors: UserErrorShape[] = [];
  if (updates.length > MAX_LINES) errors.push(tooManyLines(updates.length, path));
  else if (updates.length === 0) errors.push(userError("INVALID_INPUT", "Give at least one line.", path));
  const seen = new Set<string>();
  updates.slice(0, MAX_LINES).forEach((update, i) => {
    if (!isUuid(update.lineId))
      errors.push(userError("NOT_FOUND", "No such line in this cart.", [...path, i, "lineId"]));
    else if (seen.has(update.lineId)) {
      errors.push(userError("INVALID_INPUT", "This line is listed twice.", [...path, i, "lineId"]));
    }
    seen.add(update.lineId);
    if (!isWhole(update.quantity, 0, MAX_LINE_QUANTITY)) {
      errors.push(
        userError("INVALID_INPUT", `quantity is a whole number from 0 (remove) to ${MAX_LINE_QUANTITY}.`, [
          ...path,
          i,
          "quantity",
        ]),
      );
    }
  });
  return errors;
}

/** Shape of line ids to remove. */
export function checkLineIds(lineIds: readonly string[], path: Path): UserErrorShape[] {
  if (lineIds.length === 0) return [userError("INVALID_INPUT", "Give at least one line id.", path)];
  if (lineIds.length > MAX_LINES) return [tooManyLines(lineIds.length, path)];
  return lineIds.flatMap((id, i) =>
    isUuid(id) ? [] : [userError("NOT_FOUND", "No such line in this cart.", [...path, i])],
  );
}

/**
 * Whether `quantity` of the variant may be in a cart: it exists, is on sale
 * and that many are available now. Only asked when a quantity grows.
 */
function checkPurchasable(
  variant: CatalogVariant | null | undefined,
  quantity: number,
  path: Path,
  variantField: Path,
): UserErrorShape | null {
  if (!variant) return userError("NOT_FOUND", "No such variant.", variantField);
  if (!onSale(variant)) {
    return userError("VARIANT_UNAVAILABLE", `${variant.product.name} (${variant.name}) is not for sale.`, variantField);
  }
  if (quantity > variant.availableQuantity) {
    return userError(
      "OUT_OF_STOCK",
      `Only ${variant.availableQuantity} of ${variant.product.name} (${variant.name}) available; the line would hold ${quantity}.`,
      path,
    );
  }
  return null;
}

/**
 * Adds lines to a cart: a variant already in the cart adds to its line
 * (the same variant twice in the input adds up too). Each growing line
 * must stay within 1..99, be on sale and available; the cart within 100 lines.
 */
export function addLines(
  existing: readonly Line[],
  added: readonly LineInput[],
  variants: Variants,
  path: Path,
): Outcome {
  const quantities = new Map(existing.map((l) => [l.variantId, l.quantity]));
  const changed = new Set<string>();
  const errors: UserErrorShape[] = [];
  added.forEach((line, i) => {
    const next = (quantities.get(line.variantId) ?? 0) + line.quantity;
    if (next > MAX_LINE_QUANTITY) {
      errors.push(
        userError("QUANTITY_LIMIT", `A line holds at most ${MAX_LINE_QUANTITY}; this would make ${next}.`, [
          ...path,
          i,
          "quantity",
        ]),
      );
      return;
    }
    const error = checkPurchasable(
      variants.get(line.variantId),
      next,
      [...path, i, "quantity"],
      [...path, i, "variantId"],
    );
    if (error) {
      errors.push(error);
      return;
    }
    quantities.set(line.variantId, next);
    changed.add(line.variantId);
  });
  if (errors.length === 0 && quantities.size > MAX_LINES) errors.push(tooManyLines(quantities.size, path));
  return {
    save: [...changed].map((variantId) => ({ variantId, quantity: quantities.get(variantId) as number })),
    remove: [],
    errors,
  };
}

/** Sets lines' quantities by line id; 0 removes the line. A quantity that grows must be on sale and available. */
export function updateLines(
  existing: readonly Line[],
  updates: readonly LineUpdate[],
  variants: Variants,
  path: Path,
): Outcome {
  const byId = new Map(existing.map((l) => [l.id, l]));
  const outcome: Outcome = { save: [], remove: [], errors: [] };
  updates.forEach((update, i) => {
    const line = byId.get(update.lineId);
    if (!line) {
      outcome.errors.push(userError("NOT_FOUND", "No such line in this cart.", [...path, i, "lineId"]));
      return;
    }
    if (update.quantity === 0) {
      outcome.remove.push(line.id);
      return;
    }
    if (update.quantity > line.quantity) {
      const error = checkPurchasable(
        variants.get(line.variantId),
        update.quantity,
        [...path, i, "quantity"],
        [...path, i, "lineId"],
      );
      if (error) {
        outcome.errors.push(error);
        return;
      }
    }
    if (update.quantity !== line.quantity) outcome.save.push({ variantId: line.variantId, quantity: update.quantity });
  });
  return outcome;
}

/** Removes lines by id; each must be a line of this cart. */
export function removeLines(existing: readonly Line[], lineIds: readonly string[], path: Path): Outcome {
  const ids = new Set(existing.map((l) => l.id));
  const errors = lineIds.flatMap((id, i) =>
    ids.has(id) ? [] : [userError("NOT_FOUND", "No such line in this cart.", [...path, i])],
  );
  return { save: [], remove: [...new Set(lineIds)], errors };
}

/**
 * A guest cart's lines into the customer's cart: quantities of the same
 * variant add up, capped at 99 (no error: the customer asked for nothing
 * specific). Availability is not checked here; checkout reserves stock.
 */
export function mergeLines(target: readonly Line[], source: readonly Line[], path: Path): Outcome {
  const quantities = new Map(target.map((l) => [l.variantId, l.quantity]));
  const changed = new Set<string>();
  for (const line of source) {
    const before = quantities.get(line.variantId) ?? 0;
    const next = Math.min(MAX_LINE_QUANTITY, before + line.quantity);
    if (next !== before) {
      quantities.set(line.variantId, next);
      changed.add(line.variantId);
    }
  }
  const errors =
    quantities.size > MAX_LINES
      ? [
          userError(
            "TOO_MANY_LINES",
            `Together the carts would have ${quantities.size} lines; a cart holds at most ${MAX_LINES}. Remove some lines first.`,
            path,
          ),
        ]
      : [];
  return {
    save: [...changed].map((variantId) => ({ variantId, quantity: quantities.get(variantId) as number })),
    remove: [],
    errors,
  };
}

export interface Price {
  amount: number;
  currencyCode: string;
}

export const lineTotal = (unitPrice: Price, quantity: number): Price => ({
  amount: unitPrice.amount * quantity,
  currencyCode: unitPrice.currencyCode,
});

/** Sum of line totals; an empty cart costs 0 in the shop's currency. */
export function subtotal(lines: readonly { unitPrice: Price; quantity: number }[], shopCurrency: string): Price {
  const currencyCode = lines[0]?.unitPrice.currencyCode ?? shopCurrency;
  let amount = 0;
  for (const line of lines) {
    if (line.unitPrice.currencyCode !== currencyCode) {
      throw new Error(`cart mixes ${currencyCode} and ${line.unitPrice.currencyCode} prices`);
    }
    amount += line.unitPrice.amount * line.quantity;
  }
  return { amount, currencyCode };
}
