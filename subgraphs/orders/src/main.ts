import { runMain, startSubgraph } from "@retailer/kit";
import { orders } from "./service.js";

runMain("orders", () => startSubgraph(orders));
