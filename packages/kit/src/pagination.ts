import { badInput } from "./errors.js";
import type { PageInfo } from "./graphql/shared-types.js";
import { isUuid } from "./ids.js";

export const MAX_PAGE_SIZE = 100;

/** Opaque cursors: base64url of a JSON tuple (sort key values, then id). */
export const encodeCursor = (values: readonly unknown[]): string =>
  Buffer.from(JSON.stringify(values)).toString("base64url");

export function decodeCursor(cursor: string): unknown[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(values)) return values;
  } catch {
    // answered below
  }
  throw badInput("The cursor is not valid.", ["after"]);
}

export const DEFAULT_PAGE_SIZE = 20;

/** Validates `first` (null means the default) against the page size limit. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 0 and ${MAX_PAGE_SIZE}.`, ["first"]);
  }
  return first;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * Builds a Relay connection from `first + 1` rows fetched after a cursor:
 * the extra row only tells whether there is a next page.
 */
export function toPage<Row, T>(
  rows: readonly Row[],
  first: number,
  options: {
    cursor: (row: Row) => readonly unknown[];
    node: (row: Row) => T;
    totalCount: number;
    hasPrevious: boolean;
  },
): Page<T> {
  const shown = rows.slice(0, first);
  const edges = shown.map((row) => ({ cursor: encodeCursor(options.cursor(row)), node: options.node(row) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: options.hasPrevious,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: options.totalCount,
  };
}

/**
 * The cursor of a newest-first list keyed on (timestamp, uuid). The timestamp
 * travels at millisecond precision: store such columns as timestamptz(3) so
 * the comparison is exact and no row falls between two pages.
 */
export function decodeTimeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = decodeCursor(cursor);
  const date = typeof at === "string" ? new Date(at) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()) || typeof id !== "string" || !isUuid(id)) {
    throw badInput("The cursor is not valid.", ["after"]);
  }
  return { createdAt: date, id };
}
