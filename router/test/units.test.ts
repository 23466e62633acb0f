import { ConfigError } from "@retailer/kit";
import { buildSchema, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { BoundedDocumentCache } from "../src/apq-cache.js";
import { operationCost } from "../src/cost.js";
import { sha256, TrustedDocuments } from "../src/trusted-documents.js";

const schema = buildSchema(`
  type Query { products(first: Int = 20): ProductConnection! categories: [Category!]! me: User }
  type ProductConnection { nodes: [Product!]! totalCount: Int! }
  type Product { id: ID! name: String! variants: [Variant!]! }
  type Variant { sku: String! }
  type Category { name: String! children: [Category!]! }
  type User { id: ID! }
`);
const cost = (query: string, variables: Record<string, unknown> = {}) =>
  operationCost(schema, parse(query), undefined, variables, 10);

describe("operation cost", () => {
  it("counts fields, multiplying by first/last, the paged list once", () => {
    expect(cost("{ me { id } }")).toBe(2);
    // products: 1 + 5 × (nodes: 1 + (id + name)) = 1 + 5 × 3
    expect(cost("{ products(first: 5) { nodes { id name } } }")).toBe(16);
    // A variable, then the argument's default (20) when it is absent.
    expect(cost("query($n: Int) { products(first: $n) { nodes { id } } }", { n: 50 })).toBe(1 + 50 * 2);
    expect(cost("query($n: Int) { products(first: $n) { nodes { id } } }")).toBe(1 + 20 * 2);
    expect(cost("query($n: Int = 3) { products(first: $n) { nodes { id } } }")).toBe(1 + 3 * 2);
  });

  it("assumes COST_LIST_SIZE items for lists without first, nested lists multiplying", () => {
    // categories: 1 + 10 × (name + children: 1 + 10 × name)
    expect(cost("{ categories { name children { name } } }")).toBe(1 + 10 * (1 + 1 + 10));
    expect(cost("{ products(first: 2) { nodes { variants { sku } } } }")).toBe(1 + 2 * (1 + (1 + 10 * 1)));
  });

  it("counts fragments and leaves introspection and __typename free", () => {
    expect(cost("{ ...F } fragment F on Query { me { id __typename } }")).toBe(2);
    expect(cost("{ __schema { types { name } } }")).toBe(0);
  });
});

describe("trusted documents manifests", () => {
  const doc = "query A { me { id } }";
  it("read GraphQL Code Generator's (sha256:-prefixed) and Apollo's formats", () => {
    for (const manifest of [
      { [sha256(doc)]: doc },
      { [`sha256:${sha256(doc)}`]: doc },
      { format: "apollo-persisted-query-manifest", version: 1, operations: [{ id: "a-1", body: doc, name: "A" }] },
    ]) {
      const trusted = TrustedDocuments.from(manifest);
      expect(trusted.resolve({ documentId: `sha256:${sha256(doc)}` })).toEqual({ query: doc });
      expect(trusted.resolve({ query: doc })).toEqual({ query: doc });
    }
    expect(
      TrustedDocuments.from({
        format: "apollo-persisted-query-manifest",
        operations: [{ id: "a-1", body: doc }],
      }).resolve({
        extensions: { persistedQuery: { version: 1, sha256Hash: "a-1" } },
      }),
    ).toEqual({ query: doc });
  });

  it("refuse a manifest whose keys are not the documents' hashes", () => {
    expect(() => TrustedDocuments.from({ abc: doc })).toThrow(ConfigError);
    expect(() => TrustedDocuments.from([doc])).toThrow(ConfigError);
  });
});

describe("the APQ store", () => {
  it("keeps at most maxBytes of documents, dropping the least recently used", async () => {
    const cache = new BoundedDocumentCache(100);
    await cache.set("a", "x".repeat(40));
    await cache.set("b", "y".repeat(40));
    await cache.get("a");
    await cache.set("c", "z".repeat(40));
    expect(await cache.get("b")).toBeUndefined();
    expect(await cache.get("a")).toBe("x".repeat(40));
    expect(await cache.get("c")).toBe("z".repeat(40));
    await cache.set("huge", "h".repeat(200));
    expect(await cache.get("huge")).toBeUndefined();
  });
});
