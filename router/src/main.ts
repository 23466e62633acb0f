import { runMain } from "@retailer/kit";
import { startRouter } from "./router.js";

process.env.APOLLO_TELEMETRY_DISABLED ??= "true";
runMain("router", () => startRouter());
