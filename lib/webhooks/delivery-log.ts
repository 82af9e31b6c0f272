import { and, count, desc, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import { keysetCursor } from "@/lib/api/cursor";
import { ApiError } from "@/lib/api/errors";
import { getDb, type Queryable } from "@/lib/db";
import { deliveries, deliveryAttempts, events, webhooks, type Delivery, type DeliveryAttempt } from "@/lib/db/schema";

type DeliveryStatus = Delivery["status"];
import { requeueDeliveries } from "./delivery";
import { waitReasonSql } from "./endpoint-options";
import { wakeDeliveryEngine } from "./engine";
import type { z } from "zod";
import {
  DELIVERY_STATUSES,
  type ListDeliveriesQuery,
  type RetryFailedInput,
  type deliveryPageResponse,
  type retryFailedResponse,
  type webhookSummaryResponse,
  type webhookTimelineResponse,
} from "./schemas";
import { serializeDelivery } from "./serializers";
import { assertWebhookExists } from "./webhooks";

// The delivery log of an account's endpoints: browsing it, sending deliveries again
// (replay, retry-failed) and the numbers the dashboard charts. Tenant-scoped throughout.

// --- Browsing --------------------------------------------------------------------------------

// created_at to the microsecond, as text: a cursor must compare exactly with what is stored.
const createdAtExact = sql<string>`to_char(${deliveries.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** A page of an endpoint's deliveries, newest first, each with its attempts. */
export async function listDeliveries(
  accountId: string,
  webhookId: string,
  query: ListDeliveriesQuery,
): Promise<z.input<typeof deliveryPageResponse>> {
  const db = await getDb();
  await assertWebhookExists(db, accountId, webhookId);
  const conditions: SQL[] = [eq(deliveries.accountId, accountId), eq(deliveries.webhookId, webhookId)];
  if (query.status) conditions.push(eq(deliveries.status, query.status));
  if (query.event) conditions.push(eq(deliveries.eventType, query.event));
  if (query.cursor) {
    const after = decodeCursor(query.cursor);
    // Keyset on (created_at, id), the order of deliveries_webhook_created_idx.
    conditions.push(sql`(${deliveries.createdAt}, ${deliveries.id}) < (${after.createdAt}::timestamptz, ${after.id})`);
  }
  const rows = await db
    .select({ delivery: deliveries, body: events.body, createdAtExact, waitReason: waitReasonSql() })
    .from(deliveries)
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .innerJoin(webhooks, eq(webhooks.id, deliveries.webhookId))
    .where(and(...conditions))
    .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const attempts = await attemptsOf(db, page.map((r) => r.delivery.id));
  const last = page.at(-1);
  return {
    data: page.map((r) => serializeDelivery(r.delivery, r.body, attempts.get(r.delivery.id) ?? [], r.waitReason)),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAtExact, last.delivery.id) : null,
  };
}

/** One delivery of the account with its attempts. */
export async function getDelivery(accountId: string, deliveryId: string) {
  const db = await getDb();
  const [row] = await db
    .select({ delivery: deliveries, body: events.body, waitReason: waitReasonSql() })
    .from(deliveries)
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .innerJoin(webhooks, eq(webhooks.id, deliveries.webhookId))
    .where(and(eq(deliveries.id, deliveryId), eq(deliveries.accountId, accountId)));
  if (!row) throw deliveryNotFound();
  const attempts = await attemptsOf(db, [deliveryId]);
  return serializeDelivery(row.delivery, row.body, attempts.get(deliveryId) ?? [], row.waitReason);
}

// All attempts of a page of deliveries in one query.
export async function attemptsOf(db: Queryable, deliveryIds: string[]): Promise<Map<string, DeliveryAttempt[]>> {
  const byDelivery = new Map<string, DeliveryAttempt[]>();
  if (deliveryIds.length === 0) return byDelivery;
  const rows = await db
    .select()
    .from(deliveryAttempts)
    .where(inArray(deliveryAttempts.deliveryId, deliveryIds))
    .orderBy(deliveryAttempts.deliveryId, deliveryAttempts.number);
  for (const attempt of rows) {
    const list = byDelivery.get(attempt.deliveryId) ?? [];
    list.push(attempt);
    byDelivery.set(attempt.deliveryId, list);
  }
  return byDelivery;
}

// The log's cursor (lib/api/cursor.ts): the position of the last delivery of a page.
const cursor = keysetCursor("delivery");
export const encodeCursor = cursor.encode;
export const decodeCursor = cursor.decode;

// --- Sending again ---------------------------------------------------------------------------

/**
 * Send a finished delivery (failed or succeeded) again. A pending one is already on its way:
 * 409. For a disabled endpoint the replay is held like any other delivery until it is enabled.
 */
export async function replayDelivery(accountId: string, deliveryId: string) {
  const db = await getDb();
  // The state machine's requeue (delivery.ts): a fresh budget, the same id and webhook-id.
  const [row] = await requeueDeliveries(db, and(eq(deliveries.id, deliveryId), eq(deliveries.accountId, accountId))!);
  if (!row) {
    const [existing] = await db
      .select({ id: deliveries.id })
      .from(deliveries)
      .where(and(eq(deliveries.id, deliveryId), eq(deliveries.accountId, accountId)));
    if (!existing) throw deliveryNotFound();
    throw new ApiError("conflict", "This delivery is already pending; it will be sent (again) shortly.");
  }
  // Read before waking: the 202 describes the delivery as queued, not a race with its next attempt.
  const queued = await getDelivery(accountId, deliveryId);
  await wakeDeliveryEngine([deliveryId]);
  return queued;
}

/** Every failed delivery of the account (optionally one endpoint, created in [since, until)) is sent again. */
export async function retryFailedDeliveries(accountId: string, input: RetryFailedInput): Promise<z.input<typeof retryFailedResponse>> {
  const db = await getDb();
  if (input.webhookId) await assertWebhookExists(db, accountId, input.webhookId);
  const conditions: SQL[] = [eq(deliveries.accountId, accountId), eq(deliveries.status, "failed")];
  if (input.webhookId) conditions.push(eq(deliveries.webhookId, input.webhookId));
  if (input.since) conditions.push(gte(deliveries.createdAt, new Date(input.since)));
  if (input.until) conditions.push(lt(deliveries.createdAt, new Date(input.until)));
  const ids = await requeueDeliveries(db, and(...conditions)!);
  await wakeDeliveryEngine(ids);
  return { count: ids.length };
}

function deliveryNotFound() {
  return new ApiError("not_found", "Delivery not found.");
}

// --- Numbers for the dashboard ---------------------------------------------------------------

export const SUMMARY_WINDOW_HOURS = 24;

/**
 * Per endpoint over the past 24 h: how many deliveries, how they ended, and the success rate
 * (succeeded / finished; null when none finished). lastDeliveryAt and lastStatus describe the
 * newest delivery ever, so a quiet endpoint still shows when it last received something.
 */
export async function summarizeWebhooks(accountId: string): Promise<z.input<typeof webhookSummaryResponse>[]> {
  const db = await getDb();
  const since = new Date(Date.now() - SUMMARY_WINDOW_HOURS * 3_600_000);
  const countWhere = (status: DeliveryStatus) =>
    sql<number>`count(*) filter (where ${deliveries.status} = ${status})`.mapWith(Number);
  const recent = db
    .select({
      webhookId: deliveries.webhookId,
      total: count().as("total"),
      succeeded: countWhere("succeeded").as("succeeded"),
      failed: countWhere("failed").as("failed"),
      pending: countWhere("pending").as("pending"),
    })
    .from(deliveries)
    .where(and(eq(deliveries.accountId, accountId), gte(deliveries.createdAt, since)))
    .groupBy(deliveries.webhookId)
    .as("recent");
  const newest = (column: SQL) => sql`(
    select ${column} from ${deliveries}
    where ${deliveries.webhookId} = ${webhooks.id} and ${deliveries.accountId} = ${accountId}
    order by ${deliveries.createdAt} desc, ${deliveries.id} desc limit 1
  )`;
  const rows = await db
    .select({
      webhookId: webhooks.id,
      total: recent.total,
      succeeded: recent.succeeded,
      failed: recent.failed,
      pending: recent.pending,
      lastDeliveryAt: newest(sql`${deliveries.createdAt}`).mapWith(toDateOrNull),
      lastStatus: newest(sql`${deliveries.status}::text`).mapWith(toStatusOrNull),
    })
    .from(webhooks)
    .leftJoin(recent, eq(recent.webhookId, webhooks.id))
    .where(eq(webhooks.accountId, accountId))
    .orderBy(desc(webhooks.createdAt), desc(webhooks.id));
  return rows.map((r) => {
    const succeeded = Number(r.succeeded ?? 0);
    const failed = Number(r.failed ?? 0);
    return {
      webhookId: r.webhookId,
      total: Number(r.total ?? 0),
      succeeded,
      failed,
      pending: Number(r.pending ?? 0),
      successRate: succeeded + failed > 0 ? succeeded / (succeeded + failed) : null,
      lastDeliveryAt: r.lastDeliveryAt ?? null,
      lastStatus: r.lastStatus ?? null,
    };
  });
}

// Raw values of hand-written subqueries (postgres.js sends text, PGlite may send a Date).
function toDateOrNull(value: unknown): Date | null {
  if (value instanceof Date) return value;
  return typeof value === "string" ? new Date(value) : null;
}

function toStatusOrNull(value: unknown): DeliveryStatus | null {
  return DELIVERY_STATUSES.find((s) => s === value) ?? null;
}

/** Bucket width for a chart of `hours`: hourly up to 2 days, 6-hourly up to a week, then daily. */
export function bucketSecondsFor(hours: number): number {
  if (hours <= 48) return 3_600;
  if (hours <= 168) return 6 * 3_600;
  return 24 * 3_600;
}

/**
 * One endpoint's deliveries over time: per bucket (aligned to UTC multiples of its width) how
 * many deliveries created then have succeeded, failed or are pending, and the p50/p95 duration
 * of the attempts made then. Every bucket of the window is present, empty ones with zeros.
 */
export async function webhookTimeline(
  accountId: string,
  webhookId: string,
  hours: number,
): Promise<z.input<typeof webhookTimelineResponse>> {
  const db = await getDb();
  await assertWebhookExists(db, accountId, webhookId);
  const width = bucketSecondsFor(hours);
  const nowSeconds = Math.floor(Date.now() / 1000);
  const firstBucket = Math.floor((nowSeconds - hours * 3_600) / width) * width;
  const lastBucket = Math.floor(nowSeconds / width) * width;
  const from = new Date(firstBucket * 1000);
  // The width is a number chosen above, never client text: inline it so GROUP BY matches SELECT.
  const bucketOf = (column: SQL) =>
    sql<number>`(floor(extract(epoch from ${column}) / ${sql.raw(String(width))}) * ${sql.raw(String(width))})::bigint`.mapWith(
      Number,
    );

  const deliveryBucket = bucketOf(sql`${deliveries.createdAt}`);
  const outcomes = await db
    .select({
      bucket: deliveryBucket,
      succeeded: sql<number>`count(*) filter (where ${deliveries.status} = 'succeeded')`.mapWith(Number),
      failed: sql<number>`count(*) filter (where ${deliveries.status} = 'failed')`.mapWith(Number),
      pending: sql<number>`count(*) filter (where ${deliveries.status} = 'pending')`.mapWith(Number),
    })
    .from(deliveries)
    .where(and(eq(deliveries.accountId, accountId), eq(deliveries.webhookId, webhookId), gte(deliveries.createdAt, from)))
    .groupBy(sql`1`);

  const attemptBucket = bucketOf(sql`${deliveryAttempts.startedAt}`);
  const latency = await db
    .select({
      bucket: attemptBucket,
      p50: sql<number>`percentile_cont(0.5) within group (order by ${deliveryAttempts.durationMs})`.mapWith(Number),
      p95: sql<number>`percentile_cont(0.95) within group (order by ${deliveryAttempts.durationMs})`.mapWith(Number),
    })
    .from(deliveryAttempts)
    .innerJoin(deliveries, eq(deliveries.id, deliveryAttempts.deliveryId))
    .where(
      and(eq(deliveries.accountId, accountId), eq(deliveries.webhookId, webhookId), gte(deliveryAttempts.startedAt, from)),
    )
    .groupBy(sql`1`);

  const outcomeAt = new Map(outcomes.map((o) => [o.bucket, o]));
  const latencyAt = new Map(latency.map((l) => [l.bucket, l]));
  const buckets = [];
  for (let start = firstBucket; start <= lastBucket; start += width) {
    const o = outcomeAt.get(start);
    const l = latencyAt.get(start);
    buckets.push({
      bucketStart: new Date(start * 1000),
      succeeded: o?.succeeded ?? 0,
      failed: o?.failed ?? 0,
      pending: o?.pending ?? 0,
      p50DurationMs: l ? Math.round(l.p50) : null,
      p95DurationMs: l ? Math.round(l.p95) : null,
    });
  }
  return { webhookId, hours, bucketSeconds: width, buckets };
}
