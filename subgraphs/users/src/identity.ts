import { hitRateLimit, type Kysely, UserErrors, userError } from "@retailer/kit";
import { APIError } from "better-auth/api";
import { decodeJwt } from "jose";
import type { Auth } from "./auth/better-auth.js";
import type { UserRow, UsersDatabase } from "./db/database.js";
import { deleteOtherSessions, deleteSessionByToken } from "./db/session.repository.js";
import { findUserByEmail, findUsersByIds, setStoredRole } from "./db/user.repository.js";
import { checkEmail, checkName, checkPassword, normalizeEmail } from "./rules.js";

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  user: UserRow;
}

/** Limits per fixed window: [attempts, seconds]. */
export const RATE_LIMITS = {
  signInPerEmail: [10, 15 * 60],
  signInPerIp: [50, 15 * 60],
  signUpPerIp: [20, 60 * 60],
  resetPerEmail: [3, 60 * 60],
  resetPerIp: [20, 60 * 60],
} as const satisfies Record<string, readonly [number, number]>;

const INVALID_CREDENTIALS = () =>
  new UserErrors(userError("INVALID_CREDENTIALS", "The email or password is wrong.", ["input", "password"]));

/**
 * Accounts and sessions, on better-auth: every rule that answers a userError
 * is here, none in the resolvers. Access tokens are better-auth JWTs minted
 * from a live session, so a revoked refresh token stops minting at once.
 */
export class Identity {
  constructor(
    private readonly auth: Auth,
    private readonly db: Kysely<UsersDatabase>,
  ) {}

  async signUp(input: { email: string; password: string; name: string }, clientIp: string): Promise<Tokens> {
    const errors = [
      ...checkEmail(input.email, ["input", "email"]),
      ...checkPassword(input.password, ["input", "password"]),
      ...checkName(input.name, ["input", "name"]),
    ];
    if (errors.length) throw new UserErrors(errors);
    await this.#limit(`sign-up:ip:${clientIp}`, RATE_LIMITS.signUpPerIp);
    const email = normalizeEmail(input.email);
    try {
      const result = await this.auth.api.signUpEmail({
        body: { email, password: input.password, name: input.name.trim() },
      });
      if (!result.token) throw new Error("sign-up returned no session");
      return this.#tokens(result.token);
    } catch (error) {
      throw mapAuthError(error);
    }
  }

  async signIn(input: { email: string; password: string }, clientIp: string): Promise<Tokens> {
    const email = normalizeEmail(input.email);
    if (checkEmail(email, []).length || input.password.length === 0 || input.password.length > 1024) {
      throw INVALID_CREDENTIALS();
    }
    await this.#limit(`sign-in:email:${email}`, RATE_LIMITS.signInPerEmail);
    await this.#limit(`sign-in:ip:${clientIp}`, RATE_LIMITS.signInPerIp);
    try {
      const result = await this.auth.api.signInEmail({ body: { email, password: input.password } });
      return this.#tokens(result.token);
    } catch (error) {
      throw mapAuthError(error);
    }
  }

  /** A new access token for a live session; a revoked or expired one answers INVALID_TOKEN. */
  async refresh(refreshToken: string): Promise<Tokens> {
    return this.#tokens(refreshToken);
  }

  /** Revokes the session behind a refresh token. */
  signOut(refreshToken: string): Promise<boolean> {
    return deleteSessionByToken(this.db, refreshToken);
  }

  /** Checks the current password, stores the new one, and ends every other session. */
  async changePassword(userId: string, sessionId: string | null, current: string, next: string): Promise<UserRow> {
    const errors = checkPassword(next, ["newPassword"]);
    if (errors.length) throw new UserErrors(errors);
    const ctx = await this.auth.$context;
    const accounts = await ctx.internalAdapter.findAccounts(userId);
    const credential = accounts.find((a) => a.providerId === "credential" && a.password);
    const valid = credential?.password
      ? await ctx.password.verify({ hash: credential.password, password: current })
      : false;
    if (!valid)
      throw new UserErrors(userError("INVALID_CREDENTIALS", "The current password is wrong.", ["currentPassword"]));
    await ctx.internalAdapter.updatePassword(userId, await ctx.password.hash(next));
    await deleteOtherSessions(this.db, userId, sessionId);
    return this.#user(userId);
  }

  /** Always accepted for a well-formed email, so nobody learns which emails have accounts. */
  async requestPasswordReset(emailInput: string, clientIp: string): Promise<void> {
    const errors = checkEmail(emailInput, ["email"]);
    if (errors.length) throw new UserErrors(errors);
    const email = normalizeEmail(emailInput);
    await this.#limit(`reset:email:${email}`, RATE_LIMITS.resetPerEmail);
    await this.#limit(`reset:ip:${clientIp}`, RATE_LIMITS.resetPerIp);
    // better-auth answers alike, in like time, whether or not the account exists.
    await this.auth.api.requestPasswordReset({ body: { email } });
  }

  async resetPassword(token: string, newPassword: string): Promise<UserRow> {
    const errors = checkPassword(newPassword, ["newPassword"]);
    if (errors.length) throw new UserErrors(errors);
    const ctx = await this.auth.$context;
    // The token names the user; read it before better-auth consumes it.
    const verification = await ctx.internalAdapter.findVerificationValue(`reset-password:${token}`);
    try {
      await this.auth.api.resetPassword({ body: { token, newPassword } });
    } catch (error) {
      throw mapAuthError(error);
    }
    if (!verification) throw new Error("reset succeeded without a verification row");
    return this.#user(verification.value);
  }

  async setRole(userId: string, role: "CUSTOMER" | "ADMIN"): Promise<UserRow> {
    const row = await setStoredRole(this.db, userId, role === "ADMIN" ? "admin" : "user");
    if (!row) throw new UserErrors(userError("NOT_FOUND", "No such user.", ["userId"]));
    return row;
  }

  /** Creates the account, or promotes it when it exists (ADMIN_EMAIL / ADMIN_PASSWORD at start). */
  async ensureAdmin(emailInput: string, password: string): Promise<UserRow> {
    const email = normalizeEmail(emailInput);
    let user = await findUserByEmail(this.db, email);
    if (!user) {
      const result = await this.auth.api.signUpEmail({ body: { email, password, name: "Admin" } });
      user = await this.#user(result.user.id);
    }
    return this.setRole(user.id, "ADMIN");
  }

  async #tokens(sessionToken: string): Promise<Tokens> {
    let accessToken: string;
    try {
      const result = await this.auth.api.getToken({
        headers: new Headers({ authorization: `Bearer ${sessionToken}` }),
      });
      accessToken = result.token;
    } catch {
      throw new UserErrors(
        userError("INVALID_TOKEN", "The refresh token is not valid (signed out or expired).", ["refreshToken"]),
      );
    }
    const claims = decodeJwt(accessToken);
    return {
      accessToken,
      refreshToken: sessionToken,
      expiresAt: new Date((claims.exp as number) * 1000),
      user: await this.#user(String(claims.sub)),
    };
  }

  async #user(id: string): Promise<UserRow> {
    const [row] = await findUsersByIds(this.db, [id]);
    if (!row) throw new Error(`user ${id} vanished`);
    return row;
  }

  async #limit(key: string, [limit, windowSeconds]: readonly [number, number]): Promise<void> {
    const result = await hitRateLimit(this.db as Kysely<unknown>, key, limit, windowSeconds);
    if (!result.allowed) {
      throw new UserErrors(
        userError("RATE_LIMITED", `Too many attempts. Try again in ${result.retryAfterSeconds} seconds.`),
      );
    }
  }
}

/** better-auth's expected failures as userErrors; anything else stays unexpected. */
function mapAuthError(error: unknown): unknown {
  if (error instanceof UserErrors || !(error instanceof APIError)) return error;
  const code = String((error.body as { code?: string } | undefined)?.code ?? "");
  if (code.startsWith("USER_ALREADY_EXISTS")) {
    return new UserErrors(userError("EMAIL_TAKEN", "An account with this email exists already.", ["input", "email"]));
  }
  if (code === "INVALID_EMAIL_OR_PASSWORD" || code === "INVALID_PASSWORD") return INVALID_CREDENTIALS();
  if (code === "INVALID_TOKEN") {
    return new UserErrors(userError("INVALID_TOKEN", "The reset link is not valid or has expired.", ["token"]));
  }
  if (code === "BANNED_USER") return new UserErrors(userError("ACCOUNT_DISABLED", "This account is disabled."));
  if (code === "INVALID_EMAIL")
    return new UserErrors(userError("INVALID_EMAIL", "That is not a valid email address.", ["input", "email"]));
  if (code === "PASSWORD_TOO_SHORT" || code === "PASSWORD_TOO_LONG") {
    return new UserErrors(userError(code, String(error.message), ["input", "password"]));
  }
  return error;
}
