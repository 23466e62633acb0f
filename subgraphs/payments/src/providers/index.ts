export { cancelIdempotencyKey, intentIdempotencyKey, refundIdempotencyKey } from "./idempotency-keys.js";
export type { IgnoredEvent, PaymentEvent, PaymentEventType, ProviderEvent } from "./payment-event.js";
export type {
  CreatedIntent,
  CreateIntentInput,
  IntentStatus,
  PaymentProvider,
  ProviderIntent,
  ProviderName,
  ProviderRefund,
  RefundInput,
  RefundStatus,
} from "./provider.js";
export { ProviderError, type ProviderErrorCode } from "./provider-error.js";
export { type ProviderSettings, selectProvider } from "./select-provider.js";
export { StripeProvider, type StripeProviderConfig } from "./stripe-provider.js";
export {
  assertTestProviderAllowed,
  type TestOutcome,
  TestProvider,
  TestProviderRefusedError,
  testDeclineReason,
  testSettlementEvent,
} from "./test-provider.js";
export { verifyStripeWebhook, WebhookSignatureError } from "./webhook.js";
