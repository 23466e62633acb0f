import { type Stack, startStack } from "@retailer/testing";
import { getMigrations } from "better-auth/db/migration";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "../src/index.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack([users]);
});
afterAll(() => stack?.stop());

describe("the users schema", () => {
  it("holds exactly the tables and columns better-auth expects: its migration generator finds nothing to do", async () => {
    const auth = stack.subgraphs.users?.services.auth;
    const { toBeCreated, toBeAdded } = await getMigrations(auth.options);
    expect(toBeCreated).toEqual([]);
    expect(toBeAdded).toEqual([]);
  });
});
