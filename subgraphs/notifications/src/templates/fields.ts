/**
 * A tiny description of a template's data, checked at runtime: events come
 * from other services and may lack a field, which must not crash a render.
 */
export type FieldKind = "string" | "money" | "quantity" | "currency" | "url" | "date";
export type FieldSpec = FieldKind | `${FieldKind}?` | { readonly list: FieldSpecs } | { readonly object: FieldSpecs };
export type FieldSpecs = Readonly<Record<string, FieldSpec>>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const valid: Record<FieldKind, (value: unknown) => boolean> = {
  string: (v) => typeof v === "string" && v.trim() !== "",
  money: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
  quantity: (v) => Number.isSafeInteger(v) && (v as number) >= 1,
  currency: (v) => typeof v === "string" && /^[A-Z]{3}$/.test(v),
  url: (v) => {
    if (typeof v !== "string") return false;
    try {
      return ["http:", "https:"].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  },
  date: (v) => (v instanceof Date || typeof v === "string") && !Number.isNaN(new Date(v).getTime()),
};

function checkField(value: unknown, spec: FieldSpec, path: string): string[] {
  if (typeof spec === "object") {
    if ("list" in spec) {
      if (!Array.isArray(value) || value.length === 0) return [path];
      return value.flatMap((item, i) => checkFields(item, spec.list, `${path}[${i}].`));
    }
    return isRecord(value) ? checkFields(value, spec.object, `${path}.`) : [path];
  }
  const optional = spec.endsWith("?");
  const kind = (optional ? spec.slice(0, -1) : spec) as FieldKind;
  if (value === undefined || value === null || value === "") return optional ? [] : [path];
  return valid[kind](value) ? [] : [path];
}

/**
 * Paths of the fields that are missing or malformed ("orderNumber",
 * "lines[0].sku", "shippingAddress.city"); empty when the data can be rendered.
 */
export function checkFields(data: unknown, specs: FieldSpecs, prefix = ""): string[] {
  if (!isRecord(data)) return prefix ? [prefix.slice(0, -1)] : checkFields({}, specs);
  return Object.entries(specs).flatMap(([key, spec]) => checkField(data[key], spec, `${prefix}${key}`));
}
