import { requireViewer, unauthenticated } from "@retailer/kit";
import { GraphQLError } from "graphql";
import { Arg, ID, Resolver, Root, Subscription } from "type-graphql";
import type { Context } from "../context.js";
import type { OrderRow } from "../db/database.js";
import { type LiveScope, pushIterator } from "../live-updates.js";
import { Order, toOrder } from "./order.js";
import { readableOrder } from "./queries.js";

const MAX_TIMER = 2 ** 31 - 1;

/**
 * Streams the orders of `scope` that `matches` accepts as they change (read
 * once per change for all subscribers, by LiveUpdates, which hands a change
 * only to its scope's listeners), each state once, until the client
 * unsubscribes or the subscriber's token expires (UNAUTHENTICATED).
 */
function stream(
  ctx: Context,
  scope: LiveScope,
  matches: (row: OrderRow) => Order | null,
): AsyncIterableIterator<Order> {
  let timer: NodeJS.Timeout | undefined;
  let unlisten = () => {};
  const { push, fail, iterator } = pushIterator<Order>(() => {
    unlisten();
    if (timer) clearTimeout(timer);
  });
  const delivered = new Map<string, { at: number; state: string }>();
  unlisten = ctx.services.live.listen(scope, (row) => {
    // A state seen twice (two changes read together) goes out once; an older one read late, never.
    const at = row.updated_at.getTime();
    const state = `${row.status}|${row.carrier}|${row.tracking_number}`;
    const last = delivered.get(row.id);
    if (last && (at < last.at || (at === last.at && state === last.state))) return;
    const order = matches(row);
    if (!order) return;
    delivered.set(row.id, { at, state });
    push(order);
  });
  if (ctx.tokenExpiresAt !== null) {
    const ms = Math.min(MAX_TIMER, Math.max(0, ctx.tokenExpiresAt * 1000 - Date.now()));
    timer = setTimeout(() => fail(unauthenticated("The access token has expired.")), ms);
  }
  return iterator;
}

@Resolver()
export class OrderSubscriptions {
  @Subscription(() => Order, {
    description:
      "(orders) Live tracking of one order: emits the order each time its status (or tracking, or payment) changes. Only its customer, an admin, or a guest holding the order's access token may subscribe. Any Order field may be selected, including fields owned by other subgraphs.",
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const { orderId, accessToken } = args as { orderId: string; accessToken?: string | null };
      const order = await readableOrder(ctx, orderId, accessToken);
      // Someone else's order and a missing one answer alike.
      if (!order) throw new GraphQLError("Order not found.", { extensions: { code: "NOT_FOUND" } });
      // readableOrder granted it by the token, verified against this id: the token is an HMAC of the
      // order id alone and every row streamed here has that id, so the grant holds for every event
      // (no HMAC per event).
      const byToken = order.grantedByToken === true;
      return stream(ctx, { orderId }, (row) => {
        if (row.id !== orderId) return null;
        return byToken ? toOrder(row, true) : toOrder(row);
      });
    },
  })
  orderUpdated(
    @Root() order: Order,
    @Arg("orderId", () => ID) _orderId: string,
    @Arg("accessToken", () => String, { nullable: true }) _accessToken: string | null,
  ): Order {
    return order;
  }

  @Subscription(() => Order, {
    description: "(orders) Every update to any of the signed-in customer's orders.",
    subscribe: ({ context }) => {
      const ctx = context as Context;
      const viewer = requireViewer(ctx.viewer);
      return stream(ctx, { customerId: viewer.id }, (row) => (row.customer_id === viewer.id ? toOrder(row) : null));
    },
  })
  myOrderUpdates(@Root() order: Order): Order {
    return order;
  }
}
