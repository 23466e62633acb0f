import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { decodeCursor, decodeTimeCursor, encodeCursor, pageSize, toPage } from "../src/pagination.js";

describe("cursors", () => {
  it("round-trip and stay opaque", () => {
    const cursor = encodeCursor(["2026-01-01T00:00:00.000Z", "0b7c5f0e-8a4e-4a43-9d2b-0d6c4b3f2a11"]);
    expect(cursor).not.toContain("2026");
    expect(decodeTimeCursor(cursor).id).toBe("0b7c5f0e-8a4e-4a43-9d2b-0d6c4b3f2a11");
  });

  it("reject garbage with BAD_USER_INPUT", () => {
    for (const bad of ["!!!", encodeCursor([1, 2]), Buffer.from("{}").toString("base64url")]) {
      expect(() => decodeTimeCursor(bad)).toThrow(GraphQLError);
    }
    expect(() => decodeCursor("not json")).toThrow(/cursor is not valid/);
  });
});

describe("pageSize", () => {
  it("defaults null and bounds the rest", () => {
    expect(pageSize(null)).toBe(20);
    expect(pageSize(100)).toBe(100);
    expect(() => pageSize(101)).toThrow(/between 0 and 100/);
    expect(() => pageSize(-1)).toThrow(GraphQLError);
  });
});

describe("toPage", () => {
  it("uses the extra row only to tell there is a next page", () => {
    const page = toPage([1, 2, 3], 2, { cursor: (n) => [n], node: (n) => n * 10, totalCount: 7, hasPrevious: false });
    expect(page.nodes).toEqual([10, 20]);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(decodeCursor(page.pageInfo.endCursor as string)).toEqual([2]);
    expect(page.totalCount).toBe(7);
  });

  it("answers an empty page", () => {
    const page = toPage([], 5, { cursor: () => [], node: (n: number) => n, totalCount: 0, hasPrevious: true });
    expect(page.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
  });
});
