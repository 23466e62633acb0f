import { runMain, startSubgraph } from "@retailer/kit";
import { catalog } from "./service.js";

runMain("catalog", () => startSubgraph(catalog));
