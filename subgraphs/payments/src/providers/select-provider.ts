import type { PaymentProvider } from "./provider.js";
import { StripeProvider } from "./stripe-provider.js";
import { assertTestProviderAllowed, TestProvider } from "./test-provider.js";

/** The settings that choose and configure the provider, each named after its environment variable. */
export interface ProviderSettings {
  /** NODE_ENV */
  nodeEnv: string | undefined;
  /** STRIPE_SECRET_KEY: set -> STRIPE, unset or blank -> TEST. */
  stripeSecretKey?: string | undefined;
  /** STRIPE_API_HOST, STRIPE_API_PORT, STRIPE_API_PROTOCOL: tests point the SDK at a local server. */
  stripeApiHost?: string | undefined;
  stripeApiPort?: number | undefined;
  stripeApiProtocol?: "http" | "https" | undefined;
  stripeTimeoutMs?: number | undefined;
  stripeMaxNetworkRetries?: number | undefined;
  /** PAYMENTS_ALLOW_TEST_PROVIDER=true: the TEST provider even in production. */
  allowTestProvider?: boolean | undefined;
}

/**
 * STRIPE when a secret key is given, TEST otherwise; throws
 * TestProviderRefusedError when TEST would run in production without opt-in.
 */
export function selectProvider(settings: ProviderSettings): PaymentProvider {
  const secretKey = settings.stripeSecretKey?.trim();
  if (secretKey) {
    return new StripeProvider({
      secretKey,
      host: settings.stripeApiHost,
      port: settings.stripeApiPort,
      protocol: settings.stripeApiProtocol,
      timeoutMs: settings.stripeTimeoutMs,
      maxNetworkRetries: settings.stripeMaxNetworkRetries,
    });
  }
  assertTestProviderAllowed(settings.nodeEnv, settings.allowTestProvider === true);
  return new TestProvider();
}
