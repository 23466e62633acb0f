import { UserError } from "@retailer/kit";
import { Field, ID, InputType, ObjectType } from "type-graphql";
import { Address } from "./address.js";
import { User } from "./user.js";

@InputType()
export class SignUpInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;

  @Field(() => String)
  name!: string;
}

@InputType()
export class SignInInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;
}

@InputType()
export class UpdateProfileInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  phone?: string | null;
}

@ObjectType()
export class AuthPayload {
  @Field(() => String, {
    nullable: true,
    description:
      'Short-lived JWT (minutes). Send as `Authorization: Bearer <accessToken>` to the router, HTTP and graphql-ws (connection_init payload { authorization: "Bearer ..." }).',
  })
  accessToken!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Long-lived, revocable token used only with refreshAccessToken.",
  })
  refreshToken!: string | null;

  @Field(() => Date, { nullable: true, description: "When accessToken expires." })
  expiresAt!: Date | null;

  @Field(() => User, { nullable: true })
  user!: User | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class UserPayload {
  @Field(() => User, { nullable: true })
  user!: User | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class AddressPayload {
  @Field(() => Address, { nullable: true })
  address!: Address | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class DeletePayload {
  @Field(() => ID, { nullable: true })
  deletedId!: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@ObjectType()
export class SignOutPayload {
  @Field(() => Boolean)
  success!: boolean;
}

@ObjectType()
export class PasswordResetPayload {
  @Field(() => Boolean, {
    description: "Always true for a well-formed email, whether or not an account exists (no account enumeration).",
  })
  accepted!: boolean;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
