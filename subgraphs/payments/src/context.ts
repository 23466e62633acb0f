import type { SubgraphContext } from "@retailer/kit";
import type { PaymentsDatabase } from "./db/database.js";
import type { PaymentsLoaders } from "./loaders.js";
import type { Payments } from "./payments.js";
import type { PaymentProvider } from "./providers/index.js";
import type { Refunds } from "./refunds.js";

export interface PaymentsServices {
  payments: Payments;
  refunds: Refunds;
  provider: PaymentProvider;
}

export type Context = SubgraphContext<PaymentsDatabase, PaymentsLoaders, PaymentsServices>;
