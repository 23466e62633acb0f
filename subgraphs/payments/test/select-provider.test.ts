import { describe, expect, it } from "vitest";
import { selectProvider } from "../src/providers/select-provider.js";
import { StripeProvider } from "../src/providers/stripe-provider.js";
import { TestProvider, TestProviderRefusedError } from "../src/providers/test-provider.js";

describe("selectProvider", () => {
  it("chooses STRIPE when a secret key is given", () => {
    const provider = selectProvider({ nodeEnv: "production", stripeSecretKey: "sk_test_123" });
    expect(provider).toBeInstanceOf(StripeProvider);
    expect(provider.name).toBe("STRIPE");
  });

  it("chooses TEST when the key is unset or blank", () => {
    for (const stripeSecretKey of [undefined, "", "  "]) {
      const provider = selectProvider({ nodeEnv: "development", stripeSecretKey });
      expect(provider).toBeInstanceOf(TestProvider);
      expect(provider.name).toBe("TEST");
    }
  });

  it("refuses TEST in production unless opted in", () => {
    expect(() => selectProvider({ nodeEnv: "production" })).toThrow(TestProviderRefusedError);
    expect(selectProvider({ nodeEnv: "production", allowTestProvider: true }).name).toBe("TEST");
  });
});
