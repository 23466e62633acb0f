import { Directive, Field, ID, ObjectType } from "type-graphql";

/** users' entity, referenced by id. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType()
export class User {
  @Field(() => ID)
  id!: string;
}
