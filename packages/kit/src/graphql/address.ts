import { Field, InputType } from "type-graphql";
import { isCountryCode } from "../countries.js";
import { type UserErrorShape, userError } from "../errors.js";

/** A postal address as clients send it (users' saved addresses, orders' shipping address). */
@InputType()
export class AddressInput {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  line1!: string;

  @Field(() => String, { nullable: true })
  line2?: string | null;

  @Field(() => String)
  city!: string;

  @Field(() => String, { nullable: true })
  region?: string | null;

  @Field(() => String)
  postalCode!: string;

  @Field(() => String)
  country!: string;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  isDefault?: boolean | null;
}

export interface CleanAddress {
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  country: string;
  phone: string | null;
}

const PHONE = /^\+?[0-9][0-9 ().-]{4,22}$/;

/** A phone number as people write them: digits, spaces, dots, dashes, brackets, an optional leading +. */
export const isPhoneNumber = (value: string): boolean => PHONE.test(value.trim());

/**
 * Trims and checks an address; returns the clean address or the list of
 * userErrors, each with its field path under `path`.
 */
export function validateAddress(
  input: AddressInput,
  path: (string | number)[],
): { address: CleanAddress; errors: [] } | { address: null; errors: UserErrorShape[] } {
  const errors: UserErrorShape[] = [];
  const text = (key: keyof AddressInput, max: number, required: boolean): string | null => {
    const raw = input[key];
    const value = typeof raw === "string" ? raw.trim() : "";
    if (required && value === "")
      errors.push(userError("INVALID_INPUT", `${String(key)} is required.`, [...path, key]));
    else if (value.length > max)
      errors.push(userError("INVALID_INPUT", `${String(key)} is longer than ${max} characters.`, [...path, key]));
    return value === "" ? null : value;
  };
  const name = text("name", 100, true);
  const line1 = text("line1", 200, true);
  const line2 = text("line2", 200, false);
  const city = text("city", 100, true);
  const region = text("region", 100, false);
  const postalCode = text("postalCode", 20, true);
  const country = (text("country", 2, true) ?? "").toUpperCase();
  if (country && !isCountryCode(country)) {
    errors.push(
      userError("INVALID_INPUT", `${country} is not an ISO 3166-1 alpha-2 country code.`, [...path, "country"]),
    );
  }
  const phone = text("phone", 30, false);
  if (phone && !isPhoneNumber(phone))
    errors.push(userError("INVALID_INPUT", "phone is not a phone number.", [...path, "phone"]));
  if (errors.length > 0) return { address: null, errors };
  return {
    address: {
      name: name as string,
      line1: line1 as string,
      line2,
      city: city as string,
      region,
      postalCode: postalCode as string,
      country,
      phone,
    },
    errors: [],
  };
}
