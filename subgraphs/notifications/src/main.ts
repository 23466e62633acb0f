import { runMain, startSubgraph } from "@retailer/kit";
import { notifications } from "./service.js";

runMain("notifications", () => startSubgraph(notifications));
