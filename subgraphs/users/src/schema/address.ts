import { canAccess } from "@retailer/kit";
import { Directive, Field, ID, ObjectType } from "type-graphql";
import type { Context } from "../context.js";
import type { AddressRow } from "../db/database.js";

@Directive('@key(fields: "id")')
@ObjectType()
export class Address {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  line1!: string;

  @Field(() => String, { nullable: true })
  line2!: string | null;

  @Field(() => String)
  city!: string;

  @Field(() => String, { nullable: true })
  region!: string | null;

  @Field(() => String)
  postalCode!: string;

  @Field(() => String, { description: "ISO 3166-1 alpha-2, e.g. US, DE." })
  country!: string;

  @Field(() => String, { nullable: true })
  phone!: string | null;

  @Field(() => Boolean)
  isDefault!: boolean;
}

export const toAddress = (row: AddressRow): Address => ({
  id: row.id,
  name: row.name,
  line1: row.line1,
  line2: row.line2,
  city: row.city,
  region: row.region,
  postalCode: row.postal_code,
  country: row.country.trim(),
  phone: row.phone,
  isDefault: row.is_default,
});

/** An address resolves only for its owner, admins and services. */
export const addressReference = {
  __resolveReference: async (ref: { id: string }, ctx: Context) => {
    const row = await ctx.loaders.address.load(ref.id);
    return row && canAccess(ctx.viewer, row.user_id) ? toAddress(row) : null;
  },
};
