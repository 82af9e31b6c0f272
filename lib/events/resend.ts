import "server-only";
import { and, arrayContains, eq, ne, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { getDb } from "@/lib/db";
import { webhooks } from "@/lib/db/schema";
import { idFormat } from "@/lib/ids";
import { wakeDeliveryEngine } from "@/lib/webhooks/engine";
import { OPERATIONAL_EVENT_TYPES } from "@/lib/webhooks/events";
import { enqueueDeliveries } from "@/lib/webhooks/outbox";
import { findAccountEvent } from "./events";
import type { ResendEventInput, resendEventResponse } from "./schemas";

// POST /api/v1/events/:id/resend: the stored event (same body, same event id) goes out again as
// a NEW delivery per endpoint — a new delivery id, so a new `webhook-id`: a receiver that
// de-duplicates on webhook-id processes it again, which is what asking for it again means.
// (Replay, by contrast, re-sends one delivery with its own webhook-id.) The deliveries go
// through the outbox and wake the engine like any other, so both engines send them.

const isOperational = (type: string) => (OPERATIONAL_EVENT_TYPES as readonly string[]).includes(type);

/**
 * To `webhookId` only: it must be the account's (else 404), still subscribed to the event's
 * type and enabled (else 409 saying which). Without it: every enabled endpoint of the account
 * subscribed to the type now (409 when there is none). An operational event never goes to the
 * endpoint it is about.
 */
export async function resendEvent(
  accountId: string,
  eventId: string,
  input: ResendEventInput,
): Promise<z.input<typeof resendEventResponse>> {
  const db = await getDb();
  const sent = await db.transaction(async (tx) => {
    const event = await findAccountEvent(tx, accountId, eventId);
    const about = isOperational(event.type) ? event.subjectId : null;
    let targets: Array<{ id: string; accountId: string }>;
    if (input.webhookId !== undefined) {
      const notFound = new ApiError("not_found", "Webhook not found.");
      if (!idFormat("webhook").test(input.webhookId)) throw notFound;
      const [hook] = await tx
        .select({ id: webhooks.id, accountId: webhooks.accountId, events: webhooks.events, enabled: webhooks.enabled })
        .from(webhooks)
        .where(and(eq(webhooks.id, input.webhookId), eq(webhooks.accountId, accountId)))
        // Hold the endpoint as it is while its delivery is written.
        .for("share");
      if (!hook) throw notFound;
      if (!hook.events.includes(event.type)) {
        throw new ApiError(
          "conflict",
          `This endpoint is not subscribed to ${event.type} (any more); subscribe it to ${event.type} before resending this event to it.`,
        );
      }
      if (!hook.enabled) throw new ApiError("conflict", "This endpoint is disabled; enable it before resending events to it.");
      if (hook.id === about) throw new ApiError("conflict", `A ${event.type} event is never sent to the endpoint it is about.`);
      targets = [hook];
    } else {
      const conditions: SQL[] = [
        eq(webhooks.accountId, accountId),
        eq(webhooks.enabled, true),
        arrayContains(webhooks.events, [event.type]),
      ];
      if (about) conditions.push(ne(webhooks.id, about));
      targets = await tx
        .select({ id: webhooks.id, accountId: webhooks.accountId })
        .from(webhooks)
        .where(and(...conditions))
        .orderBy(webhooks.createdAt, webhooks.id)
        .for("share");
      if (targets.length === 0) {
        throw new ApiError("conflict", `None of your enabled endpoints is subscribed to ${event.type}; there is nowhere to resend it.`);
      }
    }
    return enqueueDeliveries(tx, { eventId: event.id, type: event.type, test: event.test }, targets);
  });
  await wakeDeliveryEngine(sent.map((d) => d.id));
  return { eventId, deliveries: sent.map((d) => ({ id: d.id, webhookId: d.webhookId })) };
}
