import { randomUUID } from "node:crypto";
import type { EventBus, Kysely } from "@retailer/kit";
import { betterAuth } from "better-auth";
import { admin, bearer, jwt } from "better-auth/plugins";
import { PostgresDialect } from "kysely";
import type pg from "pg";
import type { UsersDatabase } from "../db/database.js";
import { ScopedKysely } from "./transaction-scope.js";

export interface AuthOptions {
  pool: pg.Pool;
  secret: string;
  /** Where the users service is reached (better-auth builds links from it). */
  baseUrl: string;
  issuer: string;
  audience: string;
  accessTokenTtl: string;
  sessionTtlSeconds: number;
  /** Where the storefront's reset page lives; the token is appended. */
  passwordResetUrl: string;
  bus: EventBus;
}

/** The graph's roles from better-auth's stored role ("user", "admin", or a comma list). */
export const graphRole = (stored: string | null | undefined): "CUSTOMER" | "ADMIN" =>
  (stored ?? "").split(",").includes("admin") ? "ADMIN" : "CUSTOMER";

/**
 * better-auth, configured for the graph: email + password, sessions as
 * refresh tokens (bearer), short-lived EdDSA access JWTs with role, issuer
 * and audience (jwt, keys in users.jwks), roles (admin). Its tables live in
 * the users schema: the pool's search_path puts `users` first.
 */
export function createAuth(options: AuthOptions) {
  const kysely = new ScopedKysely<UsersDatabase>({ dialect: new PostgresDialect({ pool: options.pool }) });
  const auth = betterAuth({
    appName: "retailer",
    secret: options.secret,
    baseURL: options.baseUrl,
    basePath: "/api/auth",
    database: { db: kysely as unknown as Kysely<never>, type: "postgres", transaction: true },
    telemetry: { enabled: false },
    logger: { disabled: true },
    // Our GraphQL mutations apply their own limits (kit's rate limiter).
    rateLimit: { enabled: false },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      autoSignIn: true,
      resetPasswordTokenExpiresIn: 60 * 60,
      revokeSessionsOnPasswordReset: true,
      sendResetPassword: async ({ user, token }) => {
        // better-auth has stored the token (a verification row) already; the
        // event follows in its own transaction. If it failed, the caller sees
        // the error and asks again: never a mail for a token that does not exist.
        await kysely.transaction().execute(async (trx) => {
          await options.bus.publish(trx, "user.password_reset_requested", {
            userId: user.id,
            email: user.email,
            name: user.name,
            token,
            resetUrl: `${options.passwordResetUrl}${encodeURIComponent(token)}`,
            expiresInSeconds: 3600,
          });
        });
      },
    },
    user: {
      additionalFields: { phone: { type: "string", required: false, input: false } },
    },
    session: { expiresIn: options.sessionTtlSeconds, updateAge: 24 * 60 * 60 },
    databaseHooks: {
      user: {
        create: {
          // Runs inside sign-up's transaction: the event commits with the account.
          before: async (user) => {
            const id = randomUUID();
            const trx = kysely.currentTransaction();
            if (!trx) throw new Error("user creation outside a transaction: cannot publish user.registered atomically");
            await options.bus.publish(trx, "user.registered", {
              userId: id,
              email: user.email,
              name: user.name,
            });
            return { data: { ...user, id } };
          },
        },
      },
    },
    plugins: [
      bearer(),
      admin({ defaultRole: "user", adminRoles: ["admin"] }),
      jwt({
        jwks: { keyPairConfig: { alg: "EdDSA", crv: "Ed25519" }, jwksPath: "/jwks" },
        jwt: {
          issuer: options.issuer,
          audience: options.audience,
          expirationTime: options.accessTokenTtl,
          definePayload: ({ user, session }) => ({ role: graphRole(user.role as string), sid: session.id }),
        },
      }),
    ],
  });
  return { auth, kysely };
}

export type Auth = ReturnType<typeof createAuth>["auth"];
