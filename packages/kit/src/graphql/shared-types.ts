import { Directive, Field, Int, ObjectType, registerEnumType } from "type-graphql";

/** Types every subgraph may return; `@shareable` lets several define them. */

@Directive("@shareable")
@ObjectType({ description: "An expected failure of a mutation." })
export class UserError {
  @Field(() => String, {
    description:
      "Stable code, SCREAMING_SNAKE_CASE: e.g. INVALID_INPUT, NOT_FOUND, OUT_OF_STOCK, EMAIL_TAKEN, INVALID_CREDENTIALS, ILLEGAL_STATE, CART_EMPTY, PAYMENT_FAILED.",
  })
  code!: string;

  @Field(() => [String], {
    nullable: true,
    description:
      'Path to the input field at fault, e.g. ["input", "lines", "0", "quantity"]; null when not tied to one field.',
  })
  field!: string[] | null;

  @Field(() => String)
  message!: string;
}

@Directive("@shareable")
@ObjectType()
export class Money {
  @Field(() => Int, { description: "Amount in minor units of the currency, e.g. 1999 = 19.99 USD." })
  amount!: number;

  @Field(() => String, { description: "ISO 4217 code, e.g. USD." })
  currencyCode!: string;
}

export const money = (amount: number, currencyCode: string): Money => ({ amount, currencyCode });

@Directive("@shareable")
@ObjectType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export enum SortDirection {
  ASC = "ASC",
  DESC = "DESC",
}
registerEnumType(SortDirection, { name: "SortDirection" });
