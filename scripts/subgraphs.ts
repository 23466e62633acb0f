import { cart } from "@retailer/cart";
import { catalog } from "@retailer/catalog";
import type { AnySubgraph } from "@retailer/kit";
import { notifications } from "@retailer/notifications";
import { orders } from "@retailer/orders";
import { payments } from "@retailer/payments";
import { users } from "@retailer/users";

/** Every subgraph of the supergraph, in supergraph.yaml's order. */
export const subgraphs: AnySubgraph[] = [users, catalog, cart, orders, payments, notifications];
