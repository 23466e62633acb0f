import type { CallOptions, CleanAddress, InternalClient } from "@retailer/kit";

/*
 * The calls checkout makes to other services' internal (@inaccessible)
 * operations, in one place: their documents and the shapes they answer.
 */

export interface CartForCheckout {
  id: string;
  customerId: string | null;
  status: string;
  /** The order that closed it, for a CONVERTED cart. */
  orderId: string | null;
  lines: { lineId: string; variantId: string; quantity: number }[];
}

export interface Reservation {
  ok: boolean;
  lines: {
    variantId: string;
    productId: string;
    sku: string;
    productName: string;
    variantName: string;
    unitPrice: number;
    currency: string;
    quantity: number;
  }[];
  shortages: { variantId: string; requested: number; available: number }[];
  userErrors: { code: string; message: string }[];
}

/** A saved address as users answers it: the same shape as a validated new one. */
export type SavedAddress = CleanAddress;

export class Services {
  constructor(private readonly client: InternalClient) {}

  /**
   * Closes the cart for the order and answers its lines (see cart's
   * internalCheckOutCart); idempotent by order id, so safe to retry.
   */
  async checkOutCart(
    id: string,
    orderId: string,
    customerId: string | null,
    options: CallOptions,
  ): Promise<CartForCheckout | null> {
    const data = await this.client.call<{ internalCheckOutCart: CartForCheckout | null }>(
      "cart",
      `mutation($id: ID!, $orderId: ID!, $customerId: ID) {
        internalCheckOutCart(id: $id, orderId: $orderId, customerId: $customerId) {
          id customerId status orderId lines { lineId variantId quantity }
        }
      }`,
      { id, orderId, customerId },
      { retries: 2, ...options },
    );
    return data.internalCheckOutCart;
  }

  /** Compensation: opens the cart closed for the order again. Idempotent. */
  async reopenCart(id: string, orderId: string, options: CallOptions): Promise<void> {
    await this.client.call(
      "cart",
      "mutation($id: ID!, $orderId: ID!) { internalReopenCart(id: $id, orderId: $orderId) }",
      { id, orderId },
      { retries: 3, ...options },
    );
  }

  async account(userId: string, options: CallOptions): Promise<{ id: string; email: string; name: string } | null> {
    const data = await this.client.call<{ internalUsers: ({ id: string; email: string; name: string } | null)[] }>(
      "users",
      "query($ids: [ID!]!) { internalUsers(ids: $ids) { id email name } }",
      { ids: [userId] },
      { retries: 2, ...options },
    );
    return data.internalUsers[0] ?? null;
  }

  async address(id: string, userId: string, options: CallOptions): Promise<SavedAddress | null> {
    const data = await this.client.call<{ internalAddress: SavedAddress | null }>(
      "users",
      "query($id: ID!, $userId: ID!) { internalAddress(id: $id, userId: $userId) { name line1 line2 city region postalCode country phone } }",
      { id, userId },
      { retries: 2, ...options },
    );
    return data.internalAddress;
  }

  /** Idempotent by order id: safe to retry. */
  async reserve(
    orderId: string,
    lines: { variantId: string; quantity: number }[],
    options: CallOptions,
  ): Promise<Reservation> {
    const data = await this.client.call<{ reserveStock: Reservation }>(
      "catalog",
      `mutation($orderId: ID!, $lines: [StockLineInput!]!) {
        reserveStock(orderId: $orderId, lines: $lines) {
          ok
          lines { variantId productId sku productName variantName unitPrice currency quantity }
          shortages { variantId requested available }
          userErrors { code message }
        }
      }`,
      { orderId, lines },
      { retries: 2, ...options },
    );
    return data.reserveStock;
  }

  async release(orderId: string, options: CallOptions): Promise<void> {
    await this.client.call(
      "catalog",
      "mutation($orderId: ID!) { releaseStock(orderId: $orderId) }",
      { orderId },
      { retries: 3, ...options },
    );
  }

  /** Idempotent by order id: a repeat returns the first payment. */
  async createPayment(
    input: { orderId: string; customerId: string | null; email: string; amount: number; currency: string },
    options: CallOptions,
  ): Promise<{ id: string; status: string }> {
    const data = await this.client.call<{ createPaymentForOrder: { id: string; status: string } }>(
      "payments",
      "mutation($input: CreatePaymentForOrderInput!) { createPaymentForOrder(input: $input) { id status } }",
      { input },
      // A provider call may take a while (Stripe: up to 10 s an attempt); retries are safe by order id.
      { retries: 1, timeoutMs: 30_000, ...options },
    );
    return data.createPaymentForOrder;
  }

  async cancelPayment(orderId: string, options: CallOptions): Promise<void> {
    await this.client.call(
      "payments",
      "mutation($orderId: ID!) { cancelPaymentForOrder(orderId: $orderId) { id } }",
      { orderId },
      { retries: 3, ...options },
    );
  }
}
