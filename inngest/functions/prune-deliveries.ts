import { inngest } from "@/inngest/client";
import { pruneDeliveries } from "@/lib/webhooks/retention";

// Retention on the inngest engine: hourly, delete finished deliveries (and their attempts),
// orphaned events past WEBHOOK_RETENTION_DAYS and idempotency keys past 24 h. The embedded
// engine runs the same pruneDeliveries on a timer instead (lib/webhooks/retention.ts).
export const pruneDeliveriesFunction = inngest.createFunction(
  { id: "prune-deliveries", name: "Prune old webhook deliveries", retries: 2, triggers: [{ cron: "17 * * * *" }] },
  async ({ step }) => step.run("prune", () => pruneDeliveries()),
);
