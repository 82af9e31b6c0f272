import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { getDb } from "@/lib/db";
import { deliveries, events, webhooks, type Account } from "@/lib/db/schema";
import { idFormat, newId } from "@/lib/ids";
import { wakeDeliveryEngine } from "./engine";
import { EVENT_CATALOGUE, type EventBody, type EventData } from "./events";
import { limitTestSends } from "./fan-out-limits";
import { enqueueEvent } from "./outbox";
import type { testEventResponse } from "./schemas";

// POST /api/v1/webhooks/test: a realistic conversion.created, marked test, sent to the caller's
// own endpoints only. The schema lives here rather than in ./schemas.ts, which the dashboard
// forms import; this one is used by this API-key endpoint alone.

export const sendTestEventInput = z.object({
  webhookId: z.string().min(1).max(200).optional(),
});
export type SendTestEventInput = z.infer<typeof sendTestEventInput>;

const TEST_EVENT = "conversion.created";

/**
 * Without `webhookId`: every enabled endpoint of the account subscribed to conversion.created.
 * With it: that endpoint only, which must be the caller's (else 404) and enabled (else 409);
 * it gets the event even when not subscribed to conversion.created — naming an endpoint means
 * "send it there", as Stripe's and Svix's "send test event" do. Limited per account (429).
 */
export async function sendTestEvent(account: Account, input: SendTestEventInput): Promise<z.input<typeof testEventResponse>> {
  await limitTestSends(account.id);
  if (input.webhookId !== undefined) await assertTestableWebhook(account.id, input.webhookId);
  const db = await getDb();
  const result = await db.transaction(async (tx) => {
    const { eventId, deliveryIds } = await enqueueEvent(tx, {
      type: TEST_EVENT,
      data: testConversionData(account),
      recipientAccountIds: [account.id],
      test: true,
      onlyWebhookId: input.webhookId,
    });
    const [event] = await tx.select({ body: events.body }).from(events).where(eq(events.id, eventId));
    const sent = await tx
      .select({ id: deliveries.id, webhookId: deliveries.webhookId })
      .from(deliveries)
      .where(and(eq(deliveries.eventId, eventId), eq(deliveries.accountId, account.id)));
    // The exact bytes receivers get, parsed back: what the caller sees is what is sent.
    const payload: EventBody<typeof TEST_EVENT> = JSON.parse(event!.body);
    return { payload, deliveries: sent, deliveryIds };
  });
  await wakeDeliveryEngine(result.deliveryIds);
  return { payload: result.payload, deliveries: result.deliveries };
}

/** The catalogue's sample with fresh ids and time, and the caller in the role it plays. */
export function testConversionData(account: Account, now: Date = new Date()): EventData<typeof TEST_EVENT> {
  const sample = EVENT_CATALOGUE[TEST_EVENT].sample;
  const advertiser = account.kind === "advertiser";
  return {
    ...sample,
    id: newId("conversion"),
    programId: newId("program"),
    advertiserId: advertiser ? account.id : newId("account"),
    affiliateId: advertiser ? newId("account") : account.id,
    createdAt: now.toISOString(),
  };
}

async function assertTestableWebhook(accountId: string, webhookId: string) {
  const notFound = new ApiError("not_found", "Webhook not found.");
  if (!idFormat("webhook").test(webhookId)) throw notFound;
  const db = await getDb();
  const [webhook] = await db
    .select({ enabled: webhooks.enabled })
    .from(webhooks)
    .where(and(eq(webhooks.id, webhookId), eq(webhooks.accountId, accountId)))
    .limit(1);
  if (!webhook) throw notFound;
  if (!webhook.enabled) {
    throw new ApiError("conflict", "This webhook is disabled; enable it before sending it a test event.");
  }
}
