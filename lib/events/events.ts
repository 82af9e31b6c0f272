import "server-only";
import { and, asc, desc, eq, gte, inArray, sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { getConfig } from "@/lib/config";
import { getDb, type Queryable } from "@/lib/db";
import { accountEvents, deliveries, events, type Delivery } from "@/lib/db/schema";
import { idFormat } from "@/lib/ids";
import { attemptsOf } from "@/lib/webhooks/delivery-log";
import { eventTypeOf, parsePayload, serializeDelivery } from "@/lib/webhooks/serializers";
import { decodeEventCursor, encodeEventCursor } from "./cursor";
import type { ListEventsQuery, eventPageResponse, eventResponse, eventWithDeliveriesResponse } from "./schemas";

// An account's events: what it received (account_events, written by the outbox), with how
// each of its endpoints fared. Tenant-scoped throughout: another account's event is not found.

type SerializedEvent = z.input<typeof eventResponse>;

/** Events older than this are past retention (lib/webhooks/retention.ts): the list never shows them. */
export function eventWindowStart(now: Date = new Date()): Date {
  return new Date(now.getTime() - getConfig().retentionDays * 86_400_000);
}

// created_at to the microsecond, as text: a cursor must compare exactly with what is stored.
const createdAtExact = sql<string>`to_char(${accountEvents.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const eventColumns = {
  id: accountEvents.eventId,
  createdAt: accountEvents.createdAt,
  createdAtExact,
  type: events.type,
  test: events.test,
  body: events.body,
};

/** A page of the account's events in the retention window, newest first (keyset on created_at, id). */
export async function listEvents(accountId: string, query: ListEventsQuery): Promise<z.input<typeof eventPageResponse>> {
  const db = await getDb();
  const conditions: SQL[] = [eq(accountEvents.accountId, accountId), gte(accountEvents.createdAt, eventWindowStart())];
  if (query.type) conditions.push(eq(accountEvents.eventType, query.type));
  // Compared in SQL, so a client's sub-millisecond digits keep their meaning.
  if (query.after) conditions.push(sql`${accountEvents.createdAt} > ${query.after}::timestamptz`);
  if (query.before) conditions.push(sql`${accountEvents.createdAt} < ${query.before}::timestamptz`);
  if (query.deliveryStatus) conditions.push(hasEndpointInStatus(accountId, query.deliveryStatus));
  if (query.q) conditions.push(matchesSearch(accountId, query.q));
  if (query.cursor) {
    const after = decodeEventCursor(query.cursor);
    // The order of account_events_account_created_idx.
    conditions.push(sql`(${accountEvents.createdAt}, ${accountEvents.eventId}) < (${after.createdAt}::timestamptz, ${after.eventId})`);
  }
  const rows = await db
    .select(eventColumns)
    .from(accountEvents)
    .innerJoin(events, eq(events.id, accountEvents.eventId))
    .where(and(...conditions))
    .orderBy(desc(accountEvents.createdAt), desc(accountEvents.eventId))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const byEvent = await deliveriesByEvent(db, accountId, page.map((r) => r.id));
  const last = page.at(-1);
  return {
    data: page.map((r) => serializeEvent(r, byEvent.get(r.id) ?? [])),
    nextCursor: rows.length > query.limit && last ? encodeEventCursor(last.createdAtExact, last.id) : null,
  };
}

/** One event of the account, with every delivery of it to the account's endpoints and their attempts. */
export async function getEvent(accountId: string, eventId: string): Promise<z.input<typeof eventWithDeliveriesResponse>> {
  const db = await getDb();
  const row = await findAccountEvent(db, accountId, eventId);
  const list = (await deliveriesByEvent(db, accountId, [row.id])).get(row.id) ?? [];
  const attempts = await attemptsOf(db, list.map((d) => d.id));
  return {
    ...serializeEvent(row, list),
    deliveries: list.map((d) => serializeDelivery(d, row.body, attempts.get(d.id) ?? [])),
  };
}

/** The account's copy of an event, or 404 (another account's event included). */
export async function findAccountEvent(db: Queryable, accountId: string, eventId: string) {
  if (!idFormat("event").test(eventId)) throw eventNotFound();
  const [row] = await db
    .select({ ...eventColumns, subjectId: accountEvents.subjectId })
    .from(accountEvents)
    .innerJoin(events, eq(events.id, accountEvents.eventId))
    .where(and(eq(accountEvents.eventId, eventId), eq(accountEvents.accountId, accountId)));
  if (!row) throw eventNotFound();
  return row;
}

export function eventNotFound() {
  return new ApiError("not_found", "Event not found.");
}

// --- Filters -----------------------------------------------------------------------------------

// An endpoint's status for an event is that of its newest delivery of it: after a successful
// resend, an event no longer counts as failed for that endpoint.
function hasEndpointInStatus(accountId: string, status: Delivery["status"]): SQL {
  return sql`exists (
    select 1 from ${deliveries} d
    where d.event_id = ${accountEvents.eventId} and d.account_id = ${accountId} and d.status = ${status}
      and not exists (
        select 1 from ${deliveries} newer
        where newer.event_id = d.event_id and newer.webhook_id = d.webhook_id
          and (newer.created_at, newer.id) > (d.created_at, d.id)))`;
}

// Exact match on any of the ids a person has at hand. Each arm is served by an index
// (the primary key, subject, external id; a delivery by its id).
function matchesSearch(accountId: string, q: string): SQL {
  return sql`(${accountEvents.eventId} = ${q}
    or ${accountEvents.subjectId} = ${q}
    or ${accountEvents.externalId} = ${q}
    or ${accountEvents.eventId} = (select d.event_id from ${deliveries} d where d.id = ${q} and d.account_id = ${accountId}))`;
}

// --- Shaping -----------------------------------------------------------------------------------

/** Deliveries of these events to the account's endpoints, newest first, by event. */
async function deliveriesByEvent(db: Queryable, accountId: string, eventIds: string[]): Promise<Map<string, Delivery[]>> {
  const byEvent = new Map<string, Delivery[]>();
  if (eventIds.length === 0) return byEvent;
  const rows = await db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.accountId, accountId), inArray(deliveries.eventId, eventIds)))
    .orderBy(asc(deliveries.eventId), desc(deliveries.createdAt), desc(deliveries.id));
  for (const d of rows) {
    const list = byEvent.get(d.eventId) ?? [];
    list.push(d);
    byEvent.set(d.eventId, list);
  }
  return byEvent;
}

function serializeEvent(row: { id: string; type: string; test: boolean; createdAt: Date; body: string }, newestFirst: Delivery[]): SerializedEvent {
  // Per endpoint: its newest delivery speaks for it, and how many it has had.
  const endpoints = new Map<string, { newest: Delivery; count: number }>();
  for (const d of newestFirst) {
    const seen = endpoints.get(d.webhookId);
    if (seen) seen.count += 1;
    else endpoints.set(d.webhookId, { newest: d, count: 1 });
  }
  return {
    id: row.id,
    type: eventTypeOf(row.type),
    test: row.test,
    createdAt: row.createdAt,
    payload: parsePayload(row.body),
    endpoints: [...endpoints.values()]
      .sort((a, b) => a.newest.webhookId.localeCompare(b.newest.webhookId))
      .map(({ newest, count }) => ({
        webhookId: newest.webhookId,
        status: newest.status,
        deliveryId: newest.id,
        deliveries: count,
        attemptCount: newest.attemptCount,
        lastStatusCode: newest.lastStatusCode,
        completedAt: newest.completedAt,
      })),
  };
}
