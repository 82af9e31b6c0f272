import { inngest } from "@/inngest/client";
import { getDeliveryDb } from "@/lib/db";
import { foldStatDeltas } from "@/lib/webhooks/rollups";

// The dashboard rollups' fold on the inngest engine: every minute, move committed deltas into
// webhook_hourly_stats (lib/webhooks/rollups.ts). The embedded engine folds on a timer instead.
// Reads are exact without it; folding keeps them cheap.
export const foldRollupsFunction = inngest.createFunction(
  { id: "fold-rollups", name: "Fold the dashboard rollups", retries: 2, triggers: [{ cron: "* * * * *" }] },
  async ({ step }) => step.run("fold", async () => ({ folded: await foldStatDeltas(await getDeliveryDb()) })),
);
