import { runMain, startSubgraph } from "@retailer/kit";
import { payments } from "./service.js";

runMain("payments", () => startSubgraph(payments));
