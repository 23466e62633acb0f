import type { SubgraphDefinition } from "@retailer/kit";
import type { PaymentsDatabase } from "./db/database.js";
import { migrations } from "./db/migrations/index.js";
import { createLoaders, type PaymentsLoaders } from "./loaders.js";
import { OrderPaymentResolver, orderReference, Payment, paymentReference } from "./schema/payment.js";

export const payments: SubgraphDefinition<PaymentsDatabase, PaymentsLoaders> = {
  name: "payments",
  defaultPort: 8085,
  migrations,
  resolvers: [OrderPaymentResolver],
  orphanedTypes: [Payment],
  referenceResolvers: { Order: orderReference, Payment: paymentReference },
  loaders: createLoaders,
};
