import { describe, expect, it } from "vitest";
import { z } from "zod";
import { baseEnv, ConfigError, loadConfig, port } from "../src/config.js";

describe("loadConfig", () => {
  const shape = { ...baseEnv, PORT: port(8082), SHOP_CURRENCY: z.string().length(3).default("USD") };

  it("applies defaults and coerces numbers", () => {
    const config = loadConfig(shape, { DATABASE_URL: "postgres://localhost/db" });
    expect(config).toMatchObject({ PORT: 8082, NODE_ENV: "development", SHOP_CURRENCY: "USD", DB_POOL_MAX: 10 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("names every missing or malformed variable", () => {
    const attempt = () => loadConfig(shape, { PORT: "eighty", DB_POOL_MAX: "0", NODE_ENV: "prod" });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as ConfigError).message;
      expect(message).toContain("DATABASE_URL: required but not set");
      expect(message).toContain("PORT: ");
      expect(message).toContain('(got "eighty")');
      expect(message).toContain("DB_POOL_MAX");
      expect(message).toContain("NODE_ENV");
    }
  });

  it("refuses a database URL of another scheme", () => {
    expect(() => loadConfig(shape, { DATABASE_URL: "mysql://localhost/db" })).toThrow(/DATABASE_URL/);
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig(shape, { DATABASE_URL: "postgres://h/db", PORT: "" }).PORT).toBe(8082);
  });
});
