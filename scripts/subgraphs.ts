import { cart } from "@retailer/cart";
import { catalog } from "@retailer/catalog";
import type { SubgraphDefinition } from "@retailer/kit";
import { notifications } from "@retailer/notifications";
import { orders } from "@retailer/orders";
import { payments } from "@retailer/payments";
import { users } from "@retailer/users";

/** Every subgraph of the supergraph, in supergraph.yaml's order. */
// biome-ignore lint/suspicious/noExplicitAny: definitions differ in their database and loader types
export const subgraphs: SubgraphDefinition<any, any>[] = [users, catalog, cart, orders, payments, notifications];
