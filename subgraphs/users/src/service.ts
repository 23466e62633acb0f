import type { SubgraphDefinition } from "@retailer/kit";
import { z } from "zod";
import { Addresses } from "./addresses.js";
import { createAuth } from "./auth/better-auth.js";
import { localKeys } from "./auth/local-keys.js";
import type { UsersServices } from "./context.js";
import type { UsersDatabase } from "./db/database.js";
import { migrations } from "./db/migrations/index.js";
import { Identity } from "./identity.js";
import { createLoaders, type UsersLoaders } from "./loaders.js";
import { AccountMutations } from "./schema/account-mutations.js";
import { addressReference } from "./schema/address.js";
import { AddressMutations } from "./schema/address-mutations.js";
import { UserResolver, userReference } from "./schema/user.js";

const env = {
  /** Encrypts the JWT signing keys at rest and signs better-auth's own values. */
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters (e.g. `openssl rand -hex 32`)"),
  /** How better-auth's own links name this service. */
  USERS_PUBLIC_URL: z.url().default("http://localhost:8081"),
  /** The storefront page that takes a reset token: the token is appended. */
  PASSWORD_RESET_URL: z.url().default("http://localhost:3000/reset-password?token="),
  ACCESS_TOKEN_TTL: z
    .string()
    .regex(/^\d+\s*(s|m|h)$/, "like 15m, 900s or 1h")
    .default("15m"),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(8).max(128).optional(),
};

export const users: SubgraphDefinition<UsersDatabase, UsersLoaders, UsersServices, typeof env> = {
  name: "users",
  defaultPort: 8081,
  migrations,
  resolvers: [UserResolver, AccountMutations, AddressMutations],
  referenceResolvers: { User: userReference, Address: addressReference },
  loaders: createLoaders,
  env,
  setup: ({ db, database, config, bus, log }) => {
    const { auth } = createAuth({
      pool: database.pool,
      secret: config.AUTH_SECRET,
      baseUrl: config.USERS_PUBLIC_URL,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      accessTokenTtl: config.ACCESS_TOKEN_TTL,
      sessionTtlSeconds: config.SESSION_TTL_DAYS * 24 * 60 * 60,
      passwordResetUrl: config.PASSWORD_RESET_URL,
      bus,
    });
    const identity = new Identity(auth, db);
    const jwks = async () => ({ keys: (await auth.api.getJwks()).keys });
    return {
      services: { auth, identity, addresses: new Addresses(db) },
      keys: localKeys(jwks),
      routes: (app) => {
        // Public keys of the access tokens: the router and every subgraph verify with them.
        app.get(["/.well-known/jwks.json", "/api/auth/jwks"], async (_req, res) => {
          res.setHeader("cache-control", "public, max-age=300");
          res.json(await jwks());
        });
      },
      start: async () => {
        if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
          const admin = await identity.ensureAdmin(config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
          log.info({ userId: admin.id }, "admin account ready");
        } else if (config.ADMIN_EMAIL || config.ADMIN_PASSWORD) {
          log.warn("set both ADMIN_EMAIL and ADMIN_PASSWORD to create an admin account");
        }
      },
    };
  },
};
