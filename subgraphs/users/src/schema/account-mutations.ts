import { payload, requireRole, requireViewer, UserErrors } from "@retailer/kit";
import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { Context } from "../context.js";
import { updateProfile } from "../db/user.repository.js";
import type { Tokens } from "../identity.js";
import { checkName, checkPhone } from "../rules.js";
import {
  AuthPayload,
  PasswordResetPayload,
  SignInInput,
  SignOutPayload,
  SignUpInput,
  UpdateProfileInput,
  UserPayload,
} from "./payloads.js";
import { Role, toUser } from "./user.js";

async function authPayload(run: () => Promise<Tokens>): Promise<AuthPayload> {
  const result = await payload("tokens", run);
  const tokens = result.tokens;
  return {
    accessToken: tokens?.accessToken ?? null,
    refreshToken: tokens?.refreshToken ?? null,
    expiresAt: tokens?.expiresAt ?? null,
    user: tokens ? toUser(tokens.user) : null,
    userErrors: result.userErrors,
  };
}

const userPayload = (run: () => Promise<Parameters<typeof toUser>[0]>): Promise<UserPayload> =>
  payload("user", async () => toUser(await run()));

/** Sign-up, sign-in, tokens, profile and password: each resolver hands its input to Identity. */
@Resolver()
export class AccountMutations {
  @Mutation(() => AuthPayload)
  signUp(@Ctx() ctx: Context, @Arg("input", () => SignUpInput) input: SignUpInput): Promise<AuthPayload> {
    return authPayload(() => ctx.services.identity.signUp(input, ctx.clientIp));
  }

  @Mutation(() => AuthPayload)
  signIn(@Ctx() ctx: Context, @Arg("input", () => SignInInput) input: SignInInput): Promise<AuthPayload> {
    return authPayload(() => ctx.services.identity.signIn(input, ctx.clientIp));
  }

  @Mutation(() => AuthPayload)
  refreshAccessToken(
    @Ctx() ctx: Context,
    @Arg("refreshToken", () => String) refreshToken: string,
  ): Promise<AuthPayload> {
    return authPayload(() => ctx.services.identity.refresh(refreshToken));
  }

  @Mutation(() => SignOutPayload, { description: "Revokes the refresh token (and its session)." })
  async signOut(@Ctx() ctx: Context, @Arg("refreshToken", () => String) refreshToken: string): Promise<SignOutPayload> {
    return { success: await ctx.services.identity.signOut(refreshToken) };
  }

  @Mutation(() => UserPayload)
  updateProfile(
    @Ctx() ctx: Context,
    @Arg("input", () => UpdateProfileInput) input: UpdateProfileInput,
  ): Promise<UserPayload> {
    const viewer = requireViewer(ctx.viewer);
    return userPayload(async () => {
      const errors = [
        ...(input.name != null ? checkName(input.name, ["input", "name"]) : []),
        ...(input.phone ? checkPhone(input.phone, ["input", "phone"]) : []),
      ];
      if (errors.length) throw new UserErrors(errors);
      return updateProfile(ctx.db, viewer.id, {
        ...(input.name != null ? { name: input.name.trim() } : {}),
        // An empty phone clears it.
        ...(input.phone !== undefined ? { phone: input.phone?.trim() || null } : {}),
      });
    });
  }

  @Mutation(() => UserPayload)
  changePassword(
    @Ctx() ctx: Context,
    @Arg("currentPassword", () => String) currentPassword: string,
    @Arg("newPassword", () => String) newPassword: string,
  ): Promise<UserPayload> {
    const viewer = requireViewer(ctx.viewer);
    return userPayload(() =>
      ctx.services.identity.changePassword(viewer.id, viewer.sessionId ?? null, currentPassword, newPassword),
    );
  }

  @Mutation(() => PasswordResetPayload, { description: "Sends a reset link by email (notifications)." })
  async requestPasswordReset(
    @Ctx() ctx: Context,
    @Arg("email", () => String) email: string,
  ): Promise<PasswordResetPayload> {
    const result = await payload("done", async () => {
      await ctx.services.identity.requestPasswordReset(email, ctx.clientIp);
      return true;
    });
    return { accepted: result.done === true, userErrors: result.userErrors };
  }

  @Mutation(() => UserPayload)
  resetPassword(
    @Ctx() ctx: Context,
    @Arg("token", () => String) token: string,
    @Arg("newPassword", () => String) newPassword: string,
  ): Promise<UserPayload> {
    return userPayload(() => ctx.services.identity.resetPassword(token, newPassword));
  }

  @Mutation(() => UserPayload, { description: "Admin." })
  setUserRole(
    @Ctx() ctx: Context,
    @Arg("userId", () => ID) userId: string,
    @Arg("role", () => Role) role: Role,
  ): Promise<UserPayload> {
    requireRole(ctx.viewer, "ADMIN");
    return userPayload(() => ctx.services.identity.setRole(userId, role));
  }
}
