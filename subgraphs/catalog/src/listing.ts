import { badInput, decodeCursor, isUuid } from "@retailer/kit";
import type { ProductQuery, ProductStatus, SortField } from "./db/product.repository.js";

export const MAX_SEARCH_LENGTH = 200;
export const MAX_PRICE = 100_000_000;

export interface ListingInput {
  search?: string | null;
  categoryId?: string | null;
  minPrice?: number | null;
  maxPrice?: number | null;
  inStock?: boolean | null;
  status?: ProductStatus | null;
  sort?: { field: SortField; direction: "ASC" | "DESC" } | null;
  after?: string | null;
}

/**
 * A listing request as the repository's query: who may see which statuses,
 * a bounded search, and a cursor that only fits the sort it came from.
 */
export function toProductQuery(input: ListingInput, limit: number, isAdmin: boolean): ProductQuery {
  const search = input.search?.trim() || undefined;
  if (search && search.length > MAX_SEARCH_LENGTH) {
    throw badInput(`search can have at most ${MAX_SEARCH_LENGTH} characters.`, ["filter", "search"]);
  }
  if (input.categoryId && !isUuid(input.categoryId)) throw badInput("No such category.", ["filter", "categoryId"]);
  for (const [key, value] of [
    ["minPrice", input.minPrice],
    ["maxPrice", input.maxPrice],
  ] as const) {
    if (value != null && (value < 0 || value > MAX_PRICE))
      throw badInput(`${key} must be between 0 and ${MAX_PRICE}.`, ["filter", key]);
  }
  // Customers always get ACTIVE products; admins may pick a status or see all.
  const statuses: ProductStatus[] = isAdmin
    ? input.status
      ? [input.status]
      : ["DRAFT", "ACTIVE", "ARCHIVED"]
    : ["ACTIVE"];
  const sort = input.sort ?? { field: search ? "RELEVANCE" : "CREATED_AT", direction: "DESC" };
  const query: ProductQuery = { statuses, sort, limit };
  if (search) query.search = search;
  if (input.categoryId) query.categoryId = input.categoryId;
  if (input.minPrice != null) query.minPrice = input.minPrice;
  if (input.maxPrice != null) query.maxPrice = input.maxPrice;
  if (input.inStock != null) query.inStock = input.inStock;
  if (input.after) query.after = fromCursor(input.after, sort.field);
  return query;
}

export const productCursor = (field: SortField, key: string, id: string): unknown[] => [field, key, id];

function fromCursor(cursor: string, field: SortField): { key: string; id: string } {
  const [cursorField, key, id] = decodeCursor(cursor);
  if (cursorField !== field || typeof key !== "string" || typeof id !== "string" || !isUuid(id)) {
    throw badInput("The cursor is not valid for this sort.", ["after"]);
  }
  return { key, id };
}
