import { describe, expect, it } from "vitest";
import { CompositionError, composeSupergraph } from "../src/compose.js";

const link = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.14", import: ["@key"])';

describe("composeSupergraph", () => {
  it("composes subgraphs and returns the API schema without federation internals", () => {
    const { supergraphSdl, apiSchemaSdl } = composeSupergraph([
      {
        name: "a",
        url: "http://a/graphql",
        sdl: `${link} type Query { thing(id: ID!): Thing } type Thing @key(fields: "id") { id: ID! name: String }`,
      },
      { name: "b", url: "http://b/graphql", sdl: `${link} type Thing @key(fields: "id") { id: ID! price: Int }` },
    ]);
    expect(supergraphSdl).toContain('join__graph(name: "a", url: "http://a/graphql")');
    expect(apiSchemaSdl).toContain("price: Int");
    expect(apiSchemaSdl).not.toContain("join__");
  });

  it("names the subgraph and the problem when composition fails", () => {
    const attempt = () =>
      composeSupergraph([
        { name: "users", url: "http://u", sdl: `${link} type Query { me: String }` },
        { name: "cart", url: "http://c", sdl: `${link} type Query { me: Int }` },
      ]);
    expect(attempt).toThrow(CompositionError);
    expect(attempt).toThrow(/users/);
    expect(attempt).toThrow(/cart/);
  });

  it("names a subgraph whose SDL does not parse", () => {
    expect(() => composeSupergraph([{ name: "orders", url: "http://o", sdl: "type Query {" }])).toThrow(
      /\[orders\] schema does not parse/,
    );
  });
});
