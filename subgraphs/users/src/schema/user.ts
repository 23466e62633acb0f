import { canAccess, requireRole } from "@retailer/kit";
import {
  Arg,
  Ctx,
  Directive,
  Field,
  FieldResolver,
  ID,
  ObjectType,
  Query,
  Resolver,
  Root,
  registerEnumType,
} from "type-graphql";
import { graphRole } from "../auth/better-auth.js";
import type { Context } from "../context.js";
import type { UserRow } from "../db/database.js";
import { Address, toAddress } from "./address.js";

export enum Role {
  CUSTOMER = "CUSTOMER",
  ADMIN = "ADMIN",
}
registerEnumType(Role, { name: "Role" });

@Directive('@key(fields: "id")')
@ObjectType()
export class User {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  phone!: string | null;

  @Field(() => Role)
  role!: Role;

  @Field(() => Boolean)
  emailVerified!: boolean;

  @Field(() => Date)
  createdAt!: Date;
}

export const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
  phone: row.phone,
  role: graphRole(row.role) as Role,
  emailVerified: row.emailVerified,
  createdAt: row.createdAt,
});

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, { nullable: true, description: "The signed-in user, or null. (users)" })
  async me(@Ctx() ctx: Context): Promise<User | null> {
    if (!ctx.viewer || ctx.viewer.role === "SERVICE") return null;
    const row = await ctx.loaders.user.load(ctx.viewer.id);
    return row && toUser(row);
  }

  @Directive("@inaccessible")
  @Query(() => [User], {
    nullable: "items",
    description: "Internal (services only): accounts by id, in the order asked, null where missing.",
  })
  async internalUsers(@Ctx() ctx: Context, @Arg("ids", () => [ID]) ids: string[]): Promise<(User | null)[]> {
    requireRole(ctx.viewer, "SERVICE");
    const rows = await ctx.loaders.user.loadMany(ids.slice(0, 500));
    return rows.map((row) => (row && !(row instanceof Error) ? toUser(row) : null));
  }

  @Directive("@inaccessible")
  @Query(() => Address, {
    nullable: true,
    description: "Internal (services only): a saved address, only if it belongs to the user named.",
  })
  async internalAddress(
    @Ctx() ctx: Context,
    @Arg("id", () => ID) id: string,
    @Arg("userId", () => ID) userId: string,
  ): Promise<Address | null> {
    requireRole(ctx.viewer, "SERVICE");
    const row = await ctx.loaders.address.load(id);
    return row && row.user_id === userId ? toAddress(row) : null;
  }

  @FieldResolver(() => [Address])
  async addresses(@Root() user: User, @Ctx() ctx: Context): Promise<Address[]> {
    return (await ctx.loaders.addressesOfUser.load(user.id)).map(toAddress);
  }
}

/** Others' accounts resolve only for admins and services: a customer sees only their own. */
export const userReference = {
  __resolveReference: async (ref: { id: string }, ctx: Context) => {
    if (!canAccess(ctx.viewer, ref.id)) return null;
    const row = await ctx.loaders.user.load(ref.id);
    return row && toUser(row);
  },
};
