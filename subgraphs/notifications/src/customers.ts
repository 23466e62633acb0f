import type { InternalClient } from "@retailer/kit";

/** What notifications needs of an account, from users. */
export interface Customer {
  id: string;
  email: string;
  name: string;
  phone: string | null;
}

const CUSTOMERS = `query NotificationCustomers($ids: [ID!]!) {
  internalUsers(ids: $ids) { id email name phone }
}`;

/**
 * Customers' current contact details, asked of users' internal
 * `internalUsers(ids)` in one call for every id a handler needs (a service
 * token and the request signature come with kit's InternalClient). No local
 * copy: a phone number changes without an event, and an SMS must go to the
 * number the customer has now.
 */
export class CustomerDirectory {
  constructor(private readonly internal: InternalClient) {}

  /** The customers found, by id; a deleted account is simply absent. Throws when users cannot answer. */
  async find(ids: readonly string[], requestId?: string): Promise<Map<string, Customer>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const data = await this.internal.call<{ internalUsers: (Customer | null)[] }>(
      "users",
      CUSTOMERS,
      { ids: unique },
      { retries: 2, ...(requestId ? { requestId } : {}) },
    );
    return new Map(
      data.internalUsers.filter((c): c is Customer => c !== null).map((customer) => [customer.id, customer]),
    );
  }
}
