import { randomBytes, randomUUID } from "node:crypto";
import type { PaymentEvent } from "./payment-event.js";
import type {
  CreatedIntent,
  CreateIntentInput,
  PaymentProvider,
  ProviderIntent,
  ProviderRefund,
  RefundInput,
} from "./provider.js";
import { ProviderError } from "./provider-error.js";

export type TestOutcome = "SUCCEED" | "DECLINE";

/** The reason a declined TEST payment carries, as Stripe words a generic decline. */
export const testDeclineReason = "Your card was declined.";

const testRefPattern = /^test_pi_[0-9a-f-]{36}$/;
/** Idempotent replies and intents kept in memory, oldest forgotten first. */
const maxRemembered = 10_000;

/**
 * The built-in TEST provider, for development, demos and tests (used when
 * STRIPE_SECRET_KEY is unset). It charges nothing: payments settle only
 * through testSettlementEvent, in the service, as a webhook would.
 *
 * It remembers only what this process created: `retrieve` and `cancel` know
 * those intents (as created or cancelled, never settled: the service's
 * database is the record of a TEST payment) and answer NOT_FOUND for others;
 * refunds of any TEST payment succeed at once. A repeated idempotency key gets
 * the first reply, as with Stripe.
 */
export class TestProvider implements PaymentProvider {
  readonly name = "TEST";
  readonly #intents = new Map<string, ProviderIntent>();
  readonly #replies = new Map<string, { request: string; reply: unknown }>();

  async createIntent(input: CreateIntentInput): Promise<CreatedIntent> {
    const currency = input.currency.toUpperCase();
    const request = { op: "createIntent", orderId: input.orderId, amount: input.amount, currency };
    return this.#once(input.idempotencyKey, request, () => {
      if (!isPositiveInteger(input.amount)) throw refused("The amount must be a positive whole number.");
      const providerRef = `test_pi_${randomUUID()}`;
      const intent: ProviderIntent = {
        providerRef,
        status: "REQUIRES_PAYMENT",
        amount: input.amount,
        currency,
        failureReason: null,
      };
      remember(this.#intents, providerRef, intent);
      return { ...intent, clientSecret: `${providerRef}_secret_${randomBytes(12).toString("hex")}` };
    });
  }

  async retrieve(providerRef: string): Promise<ProviderIntent> {
    return { ...this.#known(providerRef) };
  }

  async cancel(providerRef: string, idempotencyKey: string): Promise<ProviderIntent> {
    return this.#once(idempotencyKey, { op: "cancel", providerRef }, () => {
      const intent = this.#known(providerRef);
      intent.status = "CANCELLED";
      return { ...intent };
    });
  }

  /** Succeeds at once for any TEST payment: the service checks the amount against what is left. */
  async refund(input: RefundInput): Promise<ProviderRefund> {
    const request = { op: "refund", providerRef: input.providerRef, amount: input.amount };
    return this.#once(input.idempotencyKey, request, () => {
      if (!testRefPattern.test(input.providerRef)) throw notFound();
      if (!isPositiveInteger(input.amount)) throw refused("The refund amount must be a positive whole number.");
      return { refundRef: `test_re_${randomUUID()}`, status: "SUCCEEDED", amount: input.amount };
    });
  }

  #known(providerRef: string): ProviderIntent {
    const intent = this.#intents.get(providerRef);
    if (!intent) throw notFound();
    return intent;
  }

  /** Same key and request: the first reply again; same key, other request: refused, as Stripe does. */
  #once<T>(key: string, request: object, run: () => T): T {
    const fingerprint = JSON.stringify(request);
    const previous = this.#replies.get(key);
    if (previous) {
      if (previous.request !== fingerprint) throw refused("This idempotency key was used for another request.");
      return structuredClone(previous.reply as T);
    }
    const reply = run();
    remember(this.#replies, key, { request: fingerprint, reply: structuredClone(reply) });
    return reply;
  }
}

/**
 * The event a TEST payment settles with: the same shape verifyStripeWebhook
 * returns, so the service handles both through one code path.
 */
export function testSettlementEvent(providerRef: string, outcome: TestOutcome, amount: number): PaymentEvent {
  const base = {
    ignored: false as const,
    id: `test_evt_${randomUUID()}`,
    provider: "TEST" as const,
    providerRef,
    amount,
  };
  return outcome === "SUCCEED"
    ? { ...base, type: "payment_intent.succeeded", createdAt: new Date() }
    : { ...base, type: "payment_intent.payment_failed", failureReason: testDeclineReason, createdAt: new Date() };
}

export class TestProviderRefusedError extends Error {
  constructor() {
    super(
      "The TEST payment provider is refused in production (NODE_ENV=production): set STRIPE_SECRET_KEY and " +
        "STRIPE_WEBHOOK_SECRET to take real payments, or set PAYMENTS_ALLOW_TEST_PROVIDER=true to run the TEST " +
        "provider in production on purpose (it charges nothing).",
    );
    this.name = "TestProviderRefusedError";
  }
}

/** Throws TestProviderRefusedError in production unless PAYMENTS_ALLOW_TEST_PROVIDER=true. */
export function assertTestProviderAllowed(nodeEnv: string | undefined, allowInProduction: boolean): void {
  if (nodeEnv === "production" && !allowInProduction) throw new TestProviderRefusedError();
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  if (map.size > maxRemembered) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}

const isPositiveInteger = (n: number): boolean => Number.isInteger(n) && n > 0;

const notFound = (): ProviderError =>
  new ProviderError("NOT_FOUND", "The payment provider does not know this payment.", { retryable: false });

const refused = (message: string): ProviderError => new ProviderError("PAYMENT_FAILED", message, { retryable: false });
