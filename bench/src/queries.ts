/** The operations the benchmarks and the SQL gate send, written once. */

/** S1 and S2: a storefront listing page (catalog only), with variables. */
export const STOREFRONT = `query Storefront($first: Int!, $after: String) {
  products(first: $first, after: $after) {
    nodes {
      id
      slug
      name
      category { id name }
      variants { id sku name price { amount currencyCode } inStock availableQuantity }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** A cart page: lines with catalog's current prices and availability (cart -> catalog). */
export const CART_READ = `query CartPage($id: ID!) {
  cart(id: $id) {
    id
    totalQuantity
    subtotal { amount currencyCode }
    lines {
      id
      quantity
      unitPrice { amount currencyCode }
      lineTotal { amount }
      variant { id sku name inStock product { id name } }
    }
  }
}`;

/** Order history: the signed-in customer's orders with their lines and payment (users -> orders -> payments). */
export const ORDER_HISTORY = `query OrderHistory($first: Int!) {
  me {
    orders(first: $first) {
      totalCount
      nodes {
        id
        number
        status
        placedAt
        total { amount currencyCode }
        lines { productName variantName sku quantity unitPrice { amount } }
        payment { status }
      }
    }
  }
}`;

export const CHECKOUT = `mutation Checkout($input: CheckoutInput!) {
  checkout(input: $input) {
    order { id number status total { amount currencyCode } payment { id status } }
    orderAccessToken
    userErrors { code message }
  }
}`;

export const CONFIRM_TEST_PAYMENT = `mutation Pay($id: ID!) {
  confirmTestPayment(paymentId: $id) { payment { id status } userErrors { code message } }
}`;

/** S4: live tracking of one order. */
export const TRACK_ORDER = `subscription Track($id: ID!, $token: String) {
  orderUpdated(orderId: $id, accessToken: $token) { id status trackingNumber updatedAt }
}`;

export const SHIPPING_ADDRESS = {
  name: "Ada Bench",
  line1: "1 Loop Street",
  city: "Berlin",
  postalCode: "10115",
  country: "DE",
};

export const body = (query: string, variables: Record<string, unknown> = {}): string =>
  JSON.stringify({ query, variables });
