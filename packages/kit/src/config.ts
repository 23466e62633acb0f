import { z } from "zod";

/** Raised when the environment does not satisfy a service's config schema. */
export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Settings every service shares. Services extend this shape with their own. */
export const baseEnv = {
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
};

/** Who may call whom: shared by the router and every subgraph. */
export const authEnv = {
  /** Signs router/service requests and service tokens. Never given to clients. */
  INTERNAL_SECRET: z.string().min(32, "must be at least 32 characters (e.g. `openssl rand -hex 32`)"),
  JWT_ISSUER: z.string().min(1).default("retailer"),
  JWT_AUDIENCE: z.string().min(1).default("retailer-api"),
  USERS_JWKS_URL: z.url().default("http://localhost:8081/.well-known/jwks.json"),
};

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);

/**
 * Reads and validates the environment once, returning a frozen, typed object.
 * Every problem is reported together, each naming its variable.
 */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: Record<string, string | undefined> = process.env,
): Readonly<z.infer<z.ZodObject<S>>> {
  // Empty strings count as unset, as a shell's `FOO= cmd` means.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = z.object(shape).safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join(".");
        const given = env[name];
        return given === undefined || given === ""
          ? `${name}: required but not set (${issue.message})`
          : `${name}: ${issue.message} (got ${JSON.stringify(given)})`;
      }),
    );
  }
  return Object.freeze(result.data);
}
