import { and, asc, eq, inArray, isNull, lt, or } from "drizzle-orm";
import { deliveryRequest, inngest } from "@/inngest/client";
import { getDeliveryDb } from "@/lib/db";
import { deliveries, webhooks } from "@/lib/db/schema";
import { deliveryRequestColumns, type DeliveryRequestRow } from "@/lib/webhooks/engine";

// Safety net for the inngest engine: an event send that failed after the commit (Inngest down,
// network blip) leaves a delivery pending with nobody working on it. Every minute, re-request
// deliveries overdue by more than two minutes that no live lease covers. The requests carry the
// same event id as the first send of that state (engine.ts), so a run that is only waiting its
// turn behind a concurrency limit is not started twice.

export const OVERDUE_MS = 2 * 60_000;
const BATCH = 500;

/** `accountIds` narrows the search (tests sharing a database); the cron looks at every account. */
export async function findLostDeliveries(now: Date = new Date(), accountIds?: string[]): Promise<DeliveryRequestRow[]> {
  const db = await getDeliveryDb();
  return db
    .select(deliveryRequestColumns)
    .from(deliveries)
    .innerJoin(webhooks, eq(webhooks.id, deliveries.webhookId))
    .where(
      and(
        eq(deliveries.status, "pending"),
        lt(deliveries.nextAttemptAt, new Date(now.getTime() - OVERDUE_MS)),
        or(isNull(deliveries.lockedUntil), lt(deliveries.lockedUntil, now)),
        eq(webhooks.enabled, true),
        accountIds ? inArray(deliveries.accountId, accountIds) : undefined,
      ),
    )
    .orderBy(asc(deliveries.nextAttemptAt))
    .limit(BATCH);
}

export const reconcileDeliveries = inngest.createFunction(
  { id: "reconcile-deliveries", name: "Re-request lost webhook deliveries", triggers: [{ cron: "* * * * *" }] },
  async ({ step }) => {
    // A step's result goes through JSON: the endpoint version comes back as a string.
    const lost = await step.run("find-lost-deliveries", () => findLostDeliveries());
    if (lost.length === 0) return { requested: 0 };
    await step.sendEvent(
      "request-deliveries",
      lost.map((r) => deliveryRequest({ ...r, endpointVersion: new Date(r.endpointVersion) })),
    );
    return { requested: lost.length };
  },
);
