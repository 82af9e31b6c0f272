import { and, desc, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
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
import { histogramPercentile, mergeHistograms, rollupRows } from "./rollups";
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
  // By endpoint, so each is a range of deliveries_webhook_status_created_idx, never a table scan.
  if (input.webhookId) conditions.push(eq(deliveries.webhookId, input.webhookId));
  else conditions.push(inArray(deliveries.webhookId, db.select({ id: webhooks.id }).from(webhooks).where(eq(webhooks.accountId, accountId))));
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
const HOUR_MS = 3_600_000;

/**
 * Per endpoint over the past 24 h: how many deliveries, how they ended, and the success rate
 * (succeeded / finished; null when none finished). Counted from the hourly rollups, so the window
 * starts at the beginning of the hour 24 h ago (24 to 25 h). lastDeliveryAt and lastStatus
 * describe the newest delivery ever (one index probe per endpoint), so a quiet endpoint still
 * shows when it last received something.
 */
export async function summarizeWebhooks(accountId: string): Promise<z.input<typeof webhookSummaryResponse>[]> {
  const db = await getDb();
  const since = new Date(Math.floor((Date.now() - SUMMARY_WINDOW_HOURS * HOUR_MS) / HOUR_MS) * HOUR_MS);
  const stats = rollupRows(db, { accountId, since }).as("stats");
  const sumOf = (column: SQL) => sql<number>`coalesce(sum(${column}), 0)`.mapWith(Number);
  const recent = db
    .select({
      webhookId: stats.webhookId,
      succeeded: sumOf(sql`${stats.succeeded}`).as("succeeded"),
      failed: sumOf(sql`${stats.failed}`).as("failed"),
      pending: sumOf(sql`${stats.pending}`).as("pending"),
    })
    .from(stats)
    .groupBy(stats.webhookId)
    .as("recent");
  // The endpoint's newest delivery: the first entry of deliveries_webhook_created_idx.
  const newest = db
    .select({ createdAt: deliveries.createdAt, status: deliveries.status })
    .from(deliveries)
    .where(and(eq(deliveries.webhookId, webhooks.id), eq(deliveries.accountId, accountId)))
    .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
    .limit(1)
    .as("newest");
  const rows = await db
    .select({
      webhookId: webhooks.id,
      succeeded: recent.succeeded,
      failed: recent.failed,
      pending: recent.pending,
      lastDeliveryAt: newest.createdAt,
      lastStatus: newest.status,
    })
    .from(webhooks)
    .leftJoin(recent, eq(recent.webhookId, webhooks.id))
    .leftJoinLateral(newest, sql`true`)
    .where(eq(webhooks.accountId, accountId))
    .orderBy(desc(webhooks.createdAt), desc(webhooks.id));
  return rows.map((r) => {
    const succeeded = Number(r.succeeded ?? 0);
    const failed = Number(r.failed ?? 0);
    const pending = Number(r.pending ?? 0);
    return {
      webhookId: r.webhookId,
      total: succeeded + failed + pending,
      succeeded,
      failed,
      pending,
      successRate: succeeded + failed > 0 ? succeeded / (succeeded + failed) : null,
      lastDeliveryAt: toDateOrNull(r.lastDeliveryAt),
      lastStatus: toStatusOrNull(r.lastStatus),
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
 * of the attempts made then (percentile_cont's definition, within LATENCY_RELATIVE_ERROR: see
 * rollups.ts). Every bucket of the window is present, empty ones with zeros. Read from the
 * hourly rollups: at most 721 rows, whatever the endpoint's history.
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
  const rows = await rollupRows(db, { accountId, webhookId, since: new Date(firstBucket * 1000) });

  type Bucket = { succeeded: number; failed: number; pending: number; latency: Map<number, number> };
  const byStart = new Map<number, Bucket>();
  for (let start = firstBucket; start <= lastBucket; start += width) {
    byStart.set(start, { succeeded: 0, failed: 0, pending: 0, latency: new Map() });
  }
  for (const row of rows) {
    const bucket = byStart.get(Math.floor(row.hour.getTime() / 1000 / width) * width);
    if (!bucket) continue; // an hour after lastBucket (a clock ahead of ours)
    bucket.succeeded += row.succeeded;
    bucket.failed += row.failed;
    bucket.pending += row.pending;
    mergeHistograms(bucket.latency, row.latency);
  }
  const rounded = (v: number | null) => (v === null ? null : Math.round(v));
  const buckets = [...byStart].map(([start, b]) => ({
    bucketStart: new Date(start * 1000),
    succeeded: b.succeeded,
    failed: b.failed,
    pending: b.pending,
    p50DurationMs: rounded(histogramPercentile(b.latency, 0.5)),
    p95DurationMs: rounded(histogramPercentile(b.latency, 0.95)),
  }));
  return { webhookId, hours, bucketSeconds: width, buckets };
}
