import { runMain, startSubgraph } from "@retailer/kit";
import { cart } from "./service.js";

runMain("cart", () => startSubgraph(cart));
