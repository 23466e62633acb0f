import { Directive, Field, ID, ObjectType } from "type-graphql";

/** catalog's entity, referenced by id; the router fetches its fields from catalog. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType()
export class ProductVariant {
  @Field(() => ID)
  id!: string;
}
