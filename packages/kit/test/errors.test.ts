import { describe, expect, it } from "vitest";
import { payload, UserErrors, userError } from "../src/errors.js";
import { loaderById } from "../src/loaders.js";
import { requestIdFrom } from "../src/request-id.js";

describe("payload", () => {
  it("wraps a value with no userErrors", async () => {
    expect(await payload("cart", async () => ({ id: "c1" }))).toEqual({ cart: { id: "c1" }, userErrors: [] });
  });

  it("turns thrown UserErrors into userErrors and a null object", async () => {
    const result = await payload("cart", async () => {
      throw new UserErrors(userError("OUT_OF_STOCK", "Only 2 left.", ["lines", 0, "quantity"]));
    });
    expect(result).toEqual({
      cart: null,
      userErrors: [{ code: "OUT_OF_STOCK", message: "Only 2 left.", field: ["lines", "0", "quantity"] }],
    });
  });

  it("lets unexpected errors through", async () => {
    await expect(payload("x", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
  });
});

describe("loaderById", () => {
  it("batches ids asked in one tick into one fetch, in order, null for missing", async () => {
    const calls: string[][] = [];
    const loader = loaderById(async (ids) => {
      calls.push([...ids]);
      return ids.filter((id) => id !== "b").map((id) => ({ id, n: id.length }));
    });
    const rows = await Promise.all([loader.load("a"), loader.load("b"), loader.load("cc")]);
    expect(calls).toEqual([["a", "b", "cc"]]);
    expect(rows).toEqual([{ id: "a", n: 1 }, null, { id: "cc", n: 2 }]);
  });
});

describe("requestIdFrom", () => {
  it("keeps a sane id and replaces anything else", () => {
    expect(requestIdFrom({ "x-request-id": "abc-123" })).toBe("abc-123");
    expect(requestIdFrom({ "x-request-id": "a b\nc" })).not.toBe("a b\nc");
    expect(requestIdFrom({})).toMatch(/^[0-9a-f-]{36}$/);
  });
});
