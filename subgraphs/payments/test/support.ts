import { randomUUID } from "node:crypto";
import { createLogger, InternalClient, SIGNATURE_HEADER, signRequest } from "@retailer/kit";
import { orders } from "@retailer/orders";
import type { GraphQLResponse, Stack } from "@retailer/testing";
import { users } from "@retailer/users";
import { type RawBuilder, sql } from "kysely";
import { payments } from "../src/service.js";

/** The stack every payments integration test runs: payments with users (tokens) and orders (Order.payment). */
export const SUBGRAPHS = [users, payments, orders];

export const PAYMENT_FIELDS = `id provider status clientSecret failureReason
  amount { amount currencyCode } amountRefunded { amount currencyCode }
  order { id }
  refunds { id amount { amount currencyCode } reason status }`;

export interface PaymentView {
  id: string;
  provider: "STRIPE" | "TEST";
  status: string;
  clientSecret: string | null;
  failureReason: string | null;
  amount: { amount: number; currencyCode: string };
  amountRefunded: { amount: number; currencyCode: string };
  order: { id: string };
  refunds: { id: string; amount: { amount: number }; reason: string | null; status: string }[];
}

export interface UserErrorView {
  code: string;
  field: string[] | null;
  message: string;
}

export interface PaymentPayloadView {
  payment: PaymentView | null;
  userErrors: UserErrorView[];
}

const CREATE = `mutation Create($input: CreatePaymentForOrderInput!) {
  createPaymentForOrder(input: $input) { ${PAYMENT_FIELDS} }
}`;
const CANCEL = `mutation Cancel($orderId: ID!) { cancelPaymentForOrder(orderId: $orderId) { ${PAYMENT_FIELDS} } }`;

export interface OrderInput {
  orderId?: string;
  customerId?: string | null;
  email?: string;
  amount?: number;
  currency?: string;
}

/** Test helpers bound to one stack. */
export function paymentsHarness(stack: Stack) {
  // The orders service's own client, as checkout will call payments.
  const ordersClient = new InternalClient({
    service: "orders",
    secret: stack.env.INTERNAL_SECRET as string,
    log: createLogger("orders-test", "silent"),
    env: stack.env,
  });
  const paymentsDb = () => stack.subgraphs.payments?.database.db;
  const ordersDb = () => stack.subgraphs.orders?.database.db;

  const db = () => {
    const handle = paymentsDb();
    if (!handle) throw new Error("no payments subgraph");
    return handle;
  };

  return {
    ordersClient,

    createPayment(input: OrderInput = {}) {
      return ordersClient
        .call<{ createPaymentForOrder: PaymentView }>("payments", CREATE, {
          input: {
            orderId: input.orderId ?? randomUUID(),
            customerId: input.customerId ?? null,
            email: input.email ?? "buyer@retailer.test",
            amount: input.amount ?? 2500,
            currency: input.currency ?? "USD",
          },
        })
        .then((data) => data.createPaymentForOrder);
    },

    cancelPayment(orderId: string) {
      return ordersClient
        .call<{ cancelPaymentForOrder: PaymentView | null }>("payments", CANCEL, { orderId })
        .then((data) => data.cancelPaymentForOrder);
    },

    /** Straight to the payments subgraph with the router's signature and any token. */
    async viaSubgraph(query: string, variables: Record<string, unknown>, token?: string) {
      const url = new URL(stack.subgraphs.payments?.url as string);
      const body = JSON.stringify({ query, variables });
      const headers: Record<string, string> = {
        "content-type": "application/json",
        [SIGNATURE_HEADER]: signRequest(stack.env.INTERNAL_SECRET as string, {
          method: "POST",
          path: url.pathname,
          body,
        }),
      };
      if (token) headers.authorization = `Bearer ${token}`;
      const response = await fetch(url, { method: "POST", headers, body });
      return { status: response.status, body: (await response.json()) as GraphQLResponse };
    },

    confirm(paymentId: string, outcome: "SUCCEED" | "DECLINE" | null, headers?: Record<string, string>) {
      return stack.query<{ confirmTestPayment: PaymentPayloadView }>(
        `mutation Confirm($paymentId: ID!, $outcome: TestPaymentOutcome) {
          confirmTestPayment(paymentId: $paymentId, outcome: $outcome) {
            payment { ${PAYMENT_FIELDS} } userErrors { code field message }
          }
        }`,
        { paymentId, outcome },
        headers,
      );
    },

    refund(paymentId: string, args: { amount?: number; reason?: string }, headers?: Record<string, string>) {
      return stack.query<{ refundPayment: PaymentPayloadView }>(
        `mutation Refund($paymentId: ID!, $amount: Int, $reason: String) {
          refundPayment(paymentId: $paymentId, amount: $amount, reason: $reason) {
            payment { ${PAYMENT_FIELDS} } userErrors { code field message }
          }
        }`,
        { paymentId, ...args },
        headers,
      );
    },

    /** An order row, straight into orders' table, so Order.payment resolves through the router. */
    async seedOrder(orderId: string, customerId: string | null, total = 2500, email = "buyer@retailer.test") {
      const handle = ordersDb();
      if (!handle) throw new Error("no orders subgraph");
      const address = JSON.stringify({
        name: "Ada",
        line1: "1 Main St",
        line2: null,
        city: "Springfield",
        region: null,
        postalCode: "12345",
        country: "US",
        phone: null,
      });
      await sql`insert into orders."order"
        (id, customer_id, email, status, currency, subtotal, shipping, tax, total, shipping_address)
        values (${orderId}, ${customerId}, ${email}, 'PENDING_PAYMENT', 'USD', ${total}, 0, 0, ${total}, ${address}::jsonb)`.execute(
        handle,
      );
    },

    /** order.status_changed as orders will publish it, in an orders transaction. */
    async publishOrderStatus(orderId: string, to: string, from = "PAID", total = 2500) {
      const orders = stack.subgraphs.orders;
      if (!orders) throw new Error("no orders subgraph");
      return orders.database.db.transaction().execute((trx) =>
        orders.bus.publish(trx, "order.status_changed", {
          orderId,
          number: "R-000001",
          customerId: null,
          email: "buyer@retailer.test",
          from,
          to,
          at: new Date().toISOString(),
          currency: "USD",
          subtotal: total,
          shipping: 0,
          tax: 0,
          total,
          lines: [],
          shippingAddress: null,
          reason: "test",
        }),
      );
    },

    /** The data of every event of `type` that reached `consumer`'s queue for this payment. */
    async events<T = Record<string, unknown>>(consumer: string, type: string, paymentId: string): Promise<T[]> {
      const { rows } = await sql<{ data: { data: T } }>`
        select data from bus.job where name = ${`${consumer}.${type}`} and data->'data'->>'paymentId' = ${paymentId}
        order by created_on`.execute(db());
      return rows.map((r) => r.data.data);
    },

    async paymentRow(id: string) {
      const { rows } = await sql<{
        provider_ref: string;
        status: string;
        amount_refunded: number;
        client_secret: string;
        email: string | null;
      }>`select provider_ref, status, amount_refunded, client_secret, email from payments.payment where id = ${id}`.execute(
        db(),
      );
      const row = rows[0];
      if (!row) throw new Error(`no payment ${id}`);
      return row;
    },

    async refundRows(paymentId: string) {
      const { rows } = await sql<{ id: string; amount: number; status: string; origin: string }>`
        select id, amount, status, origin from payments.refund where payment_id = ${paymentId} order by created_at, id`.execute(
        db(),
      );
      return rows;
    },

    async count(query: RawBuilder<{ n: number }>): Promise<number> {
      const { rows } = await query.execute(db());
      return Number(rows[0]?.n ?? 0);
    },
  };
}

/** Polls until `check` passes (it throws while not yet), or fails with its last error. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
