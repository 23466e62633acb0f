import { randomBytes } from "node:crypto";
import { ConfigError, startSubgraph } from "@retailer/kit";
import { createTestDatabase, type TestDatabase } from "@retailer/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestProviderRefusedError } from "../src/providers/index.js";
import { payments } from "../src/service.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

const env = (extra: Record<string, string>) => ({
  DATABASE_URL: database.url,
  INTERNAL_SECRET: randomBytes(32).toString("hex"),
  LOG_LEVEL: "silent",
  HOST: "127.0.0.1",
  ...extra,
});

async function refusal(extra: Record<string, string>): Promise<unknown> {
  return startSubgraph(payments, { env: env(extra), port: 0 }).then(
    async (running) => {
      await running.stop();
      return null;
    },
    (error: unknown) => error,
  );
}

describe("payments configuration", () => {
  it("refuses the TEST provider in production without the opt-in, naming the fix", async () => {
    const error = await refusal({ NODE_ENV: "production" });
    expect(error).toBeInstanceOf(TestProviderRefusedError);
    expect((error as Error).message).toContain("PAYMENTS_ALLOW_TEST_PROVIDER=true");
  });

  it("runs the TEST provider in production when opted in", async () => {
    const running = await startSubgraph(payments, {
      env: env({ NODE_ENV: "production", PAYMENTS_ALLOW_TEST_PROVIDER: "true" }),
      port: 0,
    });
    expect(running.services.provider.name).toBe("TEST");
    await running.stop();
  });

  it("refuses a Stripe key without a webhook secret", async () => {
    const error = await refusal({ STRIPE_SECRET_KEY: "sk_test_123" });
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("STRIPE_WEBHOOK_SECRET");
  });

  it("refuses malformed Stripe settings, naming them", async () => {
    const error = await refusal({
      STRIPE_API_PORT: "http",
      STRIPE_API_PROTOCOL: "ftp",
      PAYMENTS_ALLOW_TEST_PROVIDER: "maybe",
    });
    expect(error).toBeInstanceOf(ConfigError);
    for (const name of ["STRIPE_API_PORT", "STRIPE_API_PROTOCOL", "PAYMENTS_ALLOW_TEST_PROVIDER"]) {
      expect((error as Error).message).toContain(name);
    }
  });
});
