import "server-only";
import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import { getDb } from "@/lib/db";
import { deliveries, events, type Account } from "@/lib/db/schema";
import { newId, type IdKind } from "@/lib/ids";
import { wakeDeliveryEngine } from "@/lib/webhooks/engine";
import { EVENT_CATALOGUE, type EventData, type EventType } from "@/lib/webhooks/events";
import { limitTestSends } from "@/lib/webhooks/fan-out-limits";
import { enqueueEvent } from "@/lib/webhooks/outbox";
import type { triggerEventResponse } from "./schemas";

// POST /api/v1/events/trigger (`partnersmy trigger <event>`): a realistic test event of any type,
// through the normal event path: it is stored, streamed to CLI listeners and sent (marked test)
// to the caller's enabled endpoints subscribed to it. Counted with test sends (429 past the limit).

const PREFIX_KINDS: Record<string, IdKind> = { conv: "conversion", prg: "program", acct: "account", ptn: "partnership", wh: "webhook" };

/** The catalogue's sample with fresh ids, the time now, and the caller in the role it plays. */
export function triggerData<E extends EventType>(event: E, account: Account, now = new Date()): EventData<E> {
  const sample: Record<string, unknown> = { ...EVENT_CATALOGUE[event].sample };
  for (const [key, value] of Object.entries(sample)) {
    const kind = typeof value === "string" ? PREFIX_KINDS[value.split("_")[0]!] : undefined;
    if (kind && /^[a-z]+_[0-9a-z]+$/.test(String(value))) sample[key] = newId(kind);
  }
  if ("advertiserId" in sample) sample[account.kind === "advertiser" ? "advertiserId" : "affiliateId"] = account.id;
  if ("createdAt" in sample) sample.createdAt = now.toISOString();
  return sample as EventData<E>;
}

export async function triggerEvent(account: Account, event: EventType): Promise<z.input<typeof triggerEventResponse>> {
  await limitTestSends(account.id);
  const db = await getDb();
  const result = await db.transaction(async (tx) => {
    const { eventId, deliveryIds } = await enqueueEvent(tx, {
      type: event,
      data: triggerData(event, account),
      recipientAccountIds: [account.id],
      test: true,
    } as Parameters<typeof enqueueEvent>[1]);
    const [row] = await tx.select({ body: events.body }).from(events).where(eq(events.id, eventId));
    const sent = await tx
      .select({ id: deliveries.id, webhookId: deliveries.webhookId })
      .from(deliveries)
      .where(and(eq(deliveries.eventId, eventId), eq(deliveries.accountId, account.id)));
    return { eventId, payload: JSON.parse(row!.body), deliveries: sent, deliveryIds };
  });
  await wakeDeliveryEngine(result.deliveryIds);
  return { eventId: result.eventId, event, payload: result.payload, deliveries: result.deliveries };
}
