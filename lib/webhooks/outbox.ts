import { and, arrayContains, eq, inArray, isNull, ne, or, sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db";
import { accountEvents, deliveries, events, webhooks } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { buildEventBody, type EventData, type EventType } from "./events";

export interface EnqueueEventInput<E extends EventType = EventType> {
  type: E;
  /** Typed by the event: a conversion event without `amount` does not compile (see outbox.test.ts). */
  data: EventData<E>;
  /** Accounts that receive the event; each of their endpoints subscribed to `type` gets one delivery. */
  recipientAccountIds: string[];
  /** Test sends (POST /api/v1/webhooks/test) go only to enabled endpoints and are marked. */
  test?: boolean;
  /** Send to this endpoint only (among the recipients' ones), whatever its subscriptions. */
  onlyWebhookId?: string;
  /** Never to this endpoint: an operational event is not sent to the endpoint it is about. */
  exceptWebhookId?: string;
}

/**
 * The transactional outbox: write the event and its deliveries with the caller's transaction,
 * so a business change and its notifications commit (or vanish) together. After the commit the
 * caller hands `deliveryIds` to wakeDeliveryEngine. Endpoints that are disabled still get a
 * delivery: it is held (not sent) until the endpoint is enabled again, never dropped.
 */
export async function enqueueEvent<E extends EventType>(tx: Queryable, input: EnqueueEventInput<E>) {
  const recipients = [...new Set(input.recipientAccountIds)];
  const eventId = newId("event");
  const now = new Date();
  const insertEvent = tx.insert(events).values({
    id: eventId,
    type: input.type,
    body: buildEventBody(input.type, input.data, now),
    test: input.test ?? false,
    createdAt: now,
  });
  if (recipients.length === 0) {
    await insertEvent;
    return { eventId, deliveryIds: [] as string[] };
  }
  // Each recipient's copy of the event, for the events API (lib/events), endpoints or not.
  const { subjectId, externalId } = searchKeysOf(input.data);
  const insertCopies = tx
    .insert(accountEvents)
    .values(recipients.map((accountId) => ({ eventId, accountId, eventType: input.type, subjectId, externalId, createdAt: now })));

  const conditions = [inArray(webhooks.accountId, recipients)];
  if (input.test) conditions.push(eq(webhooks.enabled, true));
  // An endpoint named explicitly (a test send to one webhook) gets the event even when it is
  // not subscribed to that type, like Stripe's and Svix's "send test event to this endpoint".
  if (input.onlyWebhookId) conditions.push(eq(webhooks.id, input.onlyWebhookId));
  else conditions.push(arrayContains(webhooks.events, [input.type]));
  if (input.exceptWebhookId) conditions.push(ne(webhooks.id, input.exceptWebhookId));
  // Program filters: an endpoint limited to some programs gets only their events. Events of no
  // program (endpoint.*) and test sends (their program is made up) go to it whatever its filter.
  const programId = programOf(input.data);
  if (programId && !input.test) {
    conditions.push(or(isNull(webhooks.programIds), arrayContains(webhooks.programIds, [programId]))!);
  }
  // One round trip for the event, its copies and its targets (this is every API event's path):
  // the inserts ride along as data-modifying CTEs, which run whether or not the select reads them.
  const newEvent = tx.$with("new_event").as(insertEvent.returning({ id: events.id }));
  const newCopies = tx.$with("new_account_events").as(insertCopies.returning({ eventId: accountEvents.eventId }));
  const targets = await tx
    .with(newEvent, newCopies)
    .select({ id: webhooks.id, accountId: webhooks.accountId, fifo: webhooks.fifo })
    .from(webhooks)
    .where(and(...conditions));
  if (targets.length === 0) return { eventId, deliveryIds: [] as string[] };
  // A FIFO endpoint's line is in queue_position order, taken at insert: hold the endpoint's line
  // lock until this commits, so an event written concurrently for it takes a later place and is
  // seen after ours. An advisory lock, not the webhook row: recording an attempt locks the row
  // after the rollup triggers' rows, and the row lock here (taken before them) deadlocked with it.
  const fifo = targets.filter((t) => t.fifo).map((t) => t.id).sort();
  for (const id of fifo) {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`fifo:${id}`}, 0))`);
  }

  const rows = await enqueueDeliveries(tx, { eventId, type: input.type, test: input.test ?? false }, targets, now);
  return { eventId, deliveryIds: rows.map((r) => r.id), deliveries: rows };
}

/**
 * One new pending delivery (its own id, so its own webhook-id) of a stored event per target
 * endpoint, due now. enqueueEvent uses it for a new event, and a resend (lib/events) for an
 * existing one; the caller wakes the engine after its transaction commits.
 */
export async function enqueueDeliveries(
  tx: Queryable,
  event: { eventId: string; type: string; test: boolean },
  targets: Array<{ id: string; accountId: string }>,
  now: Date = new Date(),
) {
  if (targets.length === 0) return [];
  // In endpoint order: each row's foreign-key check locks its endpoint's row (KEY SHARE), so
  // every writer takes those locks in one order.
  const ordered = [...targets].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return tx
    .insert(deliveries)
    .values(
      ordered.map((w) => ({
        id: newId("delivery"),
        accountId: w.accountId,
        webhookId: w.id,
        eventId: event.eventId,
        eventType: event.type,
        test: event.test,
        nextAttemptAt: now,
        createdAt: now,
      })),
    )
    .returning({ id: deliveries.id, webhookId: deliveries.webhookId });
}

// What the events API searches by: data.id (every event has one) and a conversion's externalId.
function searchKeysOf(data: object): { subjectId: string | null; externalId: string | null } {
  const id = "id" in data ? data.id : null;
  const externalId = "externalId" in data ? data.externalId : null;
  return {
    subjectId: typeof id === "string" ? id : null,
    externalId: typeof externalId === "string" ? externalId : null,
  };
}

/** The program an event is about, when it is about one (conversion.*, partnership.created). */
function programOf(data: object): string | null {
  return "programId" in data && typeof data.programId === "string" ? data.programId : null;
}
