/**
 * Who consumes which domain event: the contract between services, in one place.
 * Every service creates every queue and subscription listed here when its bus
 * starts, so an event published before its consumer's first start is kept.
 */
export const EVENT_TOPOLOGY = {
  "user.registered": ["notifications"],
  "user.password_reset_requested": ["notifications"],
  "order.placed": ["cart"],
  /** Price or availability of a variant changed: for services keeping a read model. */
  "catalog.variant_changed": [],
  "order.status_changed": ["catalog", "payments", "notifications"],
  "payment.succeeded": ["orders"],
  "payment.failed": ["orders", "notifications"],
  "payment.refunded": ["orders", "notifications"],
} as const satisfies Record<string, readonly string[]>;

export type EventType = keyof typeof EVENT_TOPOLOGY;

/** The queue a consuming service reads one event type from. */
export const queueName = (service: string, type: string): string => `${service}.${type}`;
export const deadLetterQueue = (queue: string): string => `${queue}.dead`;
