import { runMain, startSubgraph } from "@retailer/kit";
import { users } from "./service.js";

runMain("users", () => startSubgraph(users));
