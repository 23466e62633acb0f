import type { Logger } from "@retailer/kit";
import express from "express";
import type { Payments } from "./payments.js";
import { verifyStripeWebhook, WebhookSignatureError } from "./providers/index.js";

export const STRIPE_WEBHOOK_PATH = "/webhooks/stripe";

/**
 * POST /webhooks/stripe. Not a GraphQL request: Stripe signs it with the
 * webhook secret, so the router's request signature does not apply. The raw
 * body is verified before anything is parsed or stored: 400 on a bad or
 * missing signature; 200 for events handled, duplicates, types we do not
 * act on and PaymentIntents we do not know (logged); 500 (Stripe retries)
 * only when we failed.
 */
export function stripeWebhookRoute(
  app: express.Express,
  options: { secret: string | undefined; payments: Payments; log: Logger },
): void {
  app.post(STRIPE_WEBHOOK_PATH, express.raw({ type: () => true, limit: "1mb" }), async (req, res) => {
    const log = options.log.child({ requestId: res.locals.requestId as string, webhook: "stripe" });
    if (!options.secret) {
      res
        .status(404)
        .json({ error: "Stripe webhooks are not enabled: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET." });
      return;
    }
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let event: ReturnType<typeof verifyStripeWebhook>;
    try {
      event = verifyStripeWebhook(body, req.header("stripe-signature"), options.secret);
    } catch (error) {
      if (!(error instanceof WebhookSignatureError)) throw error;
      log.warn({ reason: error.reason }, "stripe webhook refused");
      res.status(400).json({ error: error.message, reason: error.reason });
      return;
    }
    if (event.ignored) {
      log.info({ eventId: event.id, type: event.type, reason: event.reason }, "stripe webhook ignored");
      res.json({ received: true, outcome: "ignored", reason: event.reason });
      return;
    }
    const result = await options.payments.settle(event);
    const fields = { eventId: event.id, type: event.type, providerRef: event.providerRef, outcome: result.outcome };
    if (result.outcome === "unknown_payment") log.warn(fields, "stripe webhook for a PaymentIntent we do not know");
    else if (result.outcome === "ignored")
      log.info({ ...fields, reason: result.reason }, "stripe webhook changed nothing");
    else log.info({ ...fields, paymentId: result.payment.id, status: result.payment.status }, "stripe webhook handled");
    res.json({ received: true, outcome: result.outcome });
  });
}
