import { readFileSync } from "node:fs";
import path from "node:path";
import {
  buildSchema,
  type GraphQLNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
} from "graphql";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const contract = buildSchema(readFileSync(path.join(ROOT, "docs/api-contract.graphql"), "utf8"));
const api = buildSchema(readFileSync(path.join(ROOT, "router/schema.graphql"), "utf8"));

/** Every promise of the client contract, as "Type.field(arg: Type): Type" lines. */
function promises(type: GraphQLNamedType): string[] {
  if (isObjectType(type) || isInterfaceType(type)) {
    return Object.values(type.getFields()).flatMap((field) => [
      `${type.name}.${field.name}: ${String(field.type)}`,
      ...field.args.map((arg) => `${type.name}.${field.name}(${arg.name}: ${String(arg.type)})`),
    ]);
  }
  if (isInputObjectType(type))
    return Object.values(type.getFields()).map((f) => `${type.name}.${f.name}: ${String(f.type)}`);
  if (isEnumType(type)) return type.getValues().map((v) => `${type.name}.${v.name}`);
  if (isScalarType(type)) return [`scalar ${type.name}`];
  return [`${type.name}`];
}

const userTypes = (schema: typeof contract) =>
  Object.values(schema.getTypeMap()).filter(
    (t) => !t.name.startsWith("__") && !["String", "Int", "Float", "Boolean", "ID"].includes(t.name),
  );

describe("the client-facing API (router/schema.graphql)", () => {
  it("keeps every name, argument and type of the API contract", () => {
    const ours = new Set(userTypes(api).flatMap(promises));
    const missing = userTypes(contract)
      .flatMap(promises)
      .filter((promise) => !ours.has(promise));
    expect(missing).toEqual([]);
  });

  it("exposes no internal operation", () => {
    const fields = [api.getQueryType(), api.getMutationType(), api.getSubscriptionType()].flatMap((t) =>
      t ? Object.keys(t.getFields()) : [],
    );
    expect(fields.filter((f) => /^internal|^(reserve|release|commit)Stock$|PaymentForOrder$|^_/.test(f))).toEqual([]);
  });
});
