import { and, eq } from "drizzle-orm";
import type { GetStepTools } from "inngest";
import { deliveryRescue, inngest } from "@/inngest/client";
import { getDeliveryDb } from "@/lib/db";
import { deliveries, webhooks } from "@/lib/db/schema";
import { deliveryRequestColumns, type DeliveryRequestRow } from "@/lib/webhooks/engine";

// deliver-webhook's failure handler. A run that ends in error (a step's retries exhausted: say
// the database was down for minutes) leaves its delivery pending, and the reconciler's
// re-request carries the dead run's event id, which Inngest ignores for 24 h. So once the
// outage has had a minute to pass, ask once more under an id of the generation's own.

export const RESCUE_PAUSE = "1m";

type FailedRun = { event: { data: { event: { data: { deliveryId: string; accountId: string } } } }; step: GetStepTools<typeof inngest> };

export async function rescueDelivery({ event, step }: FailedRun) {
  const { deliveryId, accountId } = event.data.event.data;
  await step.sleep("let-the-outage-pass", RESCUE_PAUSE);
  const row = await step.run("find-pending-delivery", () => pendingDelivery(accountId, deliveryId));
  if (!row) return { rescued: false };
  // A step's result goes through JSON: the endpoint version comes back as a string.
  const request = { ...row, endpointVersion: new Date(row.endpointVersion) };
  await step.sendEvent("re-request-delivery", deliveryRescue(request));
  return { rescued: true };
}

/** The delivery if it still waits to be sent (pending, endpoint enabled), else null. */
export async function pendingDelivery(accountId: string, deliveryId: string): Promise<DeliveryRequestRow | null> {
  const db = await getDeliveryDb();
  const [row] = await db
    .select(deliveryRequestColumns)
    .from(deliveries)
    .innerJoin(webhooks, eq(webhooks.id, deliveries.webhookId))
    .where(
      and(
        eq(deliveries.accountId, accountId),
        eq(deliveries.id, deliveryId),
        eq(deliveries.status, "pending"),
        eq(webhooks.enabled, true),
      ),
    );
  return row ?? null;
}
