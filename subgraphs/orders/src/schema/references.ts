import { Directive, Field, ID, ObjectType } from "type-graphql";

/** catalog's entity, referenced by id from order lines. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType()
export class ProductVariant {
  @Field(() => ID)
  id!: string;
}

/** users' entity: the order's customer; orders also contributes User.orders (schema/user-orders.ts). */
@Directive('@key(fields: "id")')
@ObjectType()
export class User {
  @Field(() => ID)
  id!: string;
}
