import { and, eq, gte, sql } from "drizzle-orm";
import { getDeliveryDb, resultRows, type Db, type Queryable } from "@/lib/db";
import { webhookHourlyStats, webhookStatDeltas } from "@/lib/db/schema";
import { log } from "@/lib/log";
import { periodicJob } from "@/lib/schedule";

// The dashboard's numbers come from rollups, never from history: per endpoint and UTC hour, the
// deliveries created in that hour by their current status, and a histogram of the durations of
// the attempts started in it. Statement-level triggers on deliveries and delivery_attempts
// (migration hourly_stats_deltas) append every change — from the attempt recorder of both
// engines, the outbox, replay, retry-failed, held deliveries, retention — as a row of
// webhook_stat_deltas, inside the statement that changed the raw rows. Nobody updates a delta, so
// writers never wait on each other (an upsert of one row per endpoint and hour, the first design,
// made them queue and deadlock). foldStatDeltas() moves committed deltas into
// webhook_hourly_stats; readers add the two tables in one statement, so they are exact at every
// commit however far behind the fold is. This module folds, reads, prunes and rebuilds them.
//
// The histogram is DDSketch's log mapping: a duration of d ms > 0 falls in bucket
// 1 + ceil(log_γ d), γ = (1 + α) / (1 − α); bucket 0 holds d = 0. Every duration in bucket k is
// within α of its midpoint 2γ^(k−1) / (γ + 1), so any order statistic read from merged
// histograms is within α of the exact one, and so are percentiles interpolated between two of
// them. Histograms merge by adding counts, which is what makes hourly rows add up to a day.

/** Relative error of the latency percentiles (γ and the SQL function webhook_latency_bucket follow it). */
export const LATENCY_RELATIVE_ERROR = 0.02;
const GAMMA = (1 + LATENCY_RELATIVE_ERROR) / (1 - LATENCY_RELATIVE_ERROR);

/** Bucket → count, as stored in webhook_hourly_stats.latency (keys are bucket numbers). */
export type LatencyHistogram = Record<string, number>;

/** The value standing for bucket `k`: within LATENCY_RELATIVE_ERROR of every duration in it. */
export function bucketMidpoint(k: number): number {
  return k <= 0 ? 0 : (2 * GAMMA ** (k - 1)) / (GAMMA + 1);
}

export function mergeHistograms(into: Map<number, number>, add: LatencyHistogram): void {
  for (const [key, n] of Object.entries(add)) into.set(Number(key), (into.get(Number(key)) ?? 0) + n);
}

/**
 * The q-quantile as percentile_cont computes it (interpolating between the two order statistics
 * around rank q·(n−1)), from a histogram; null when it is empty.
 */
export function histogramPercentile(histogram: Map<number, number>, q: number): number | null {
  const buckets = [...histogram].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const rank = q * (total - 1);
  const below = Math.floor(rank);
  const at = (r: number) => {
    let seen = 0;
    for (const [k, n] of buckets) {
      seen += n;
      if (r < seen) return bucketMidpoint(k);
    }
    return bucketMidpoint(buckets.at(-1)![0]);
  };
  const lo = at(below);
  const frac = rank - below;
  return frac === 0 ? lo : lo + frac * (at(below + 1) - lo);
}

// --- Folding ----------------------------------------------------------------------------------

/** Deltas moved per fold statement: bounded, so a fold never holds many row locks or runs long. */
export const FOLD_BATCH = 5_000;

/**
 * Move committed deltas into webhook_hourly_stats, oldest first, until none are left (or
 * `maxBatches` ran). One folder at a time (a transaction-level advisory lock; the others wait
 * for it), so the hourly rows have a single writer. DELETE … RETURNING makes each delta count
 * once, whoever folds it. Deltas of a deleted endpoint are dropped. Returns how many were folded.
 */
export async function foldStatDeltas(db: Db, maxBatches = 100): Promise<number> {
  let folded = 0;
  for (let i = 0; i < maxBatches; i++) {
    const moved = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${FOLD_LOCK_KEY})`);
      const result = await tx.execute(sql`
        with moved as (
          delete from webhook_stat_deltas where id in (
            select id from webhook_stat_deltas order by id limit ${FOLD_BATCH})
          returning webhook_id, hour, account_id, pending, succeeded, failed, latency
        ), counts as (
          select webhook_id, hour, account_id, sum(pending)::integer as pending,
            sum(succeeded)::integer as succeeded, sum(failed)::integer as failed
          from moved group by webhook_id, hour, account_id
        ), latency as (
          select webhook_id, hour, jsonb_object_agg(bucket, n) as latency from (
            select m.webhook_id, m.hour, e.key as bucket, sum(e.value::integer) as n
            from moved m cross join lateral jsonb_each_text(m.latency) e
            group by 1, 2, 3 having sum(e.value::integer) <> 0) b
          group by webhook_id, hour
        ), upserted as (
          insert into webhook_hourly_stats as s (webhook_id, hour, account_id, pending, succeeded, failed, latency)
          select c.webhook_id, c.hour, c.account_id, c.pending, c.succeeded, c.failed, coalesce(l.latency, '{}'::jsonb)
          from counts c
          left join latency l on l.webhook_id = c.webhook_id and l.hour = c.hour
          join webhooks w on w.id = c.webhook_id
          order by c.webhook_id, c.hour
          on conflict (webhook_id, hour) do update set
            pending = s.pending + excluded.pending,
            succeeded = s.succeeded + excluded.succeeded,
            failed = s.failed + excluded.failed,
            latency = webhook_latency_merge(s.latency, excluded.latency)
          returning 1
        )
        select (select count(*) from moved)::integer as moved`);
      return Number(resultRows<{ moved: number }>(result)[0]?.moved ?? 0);
    });
    folded += moved;
    if (moved < FOLD_BATCH) break;
  }
  return folded;
}

/** How often the embedded engine folds (the inngest engine: the fold-rollups cron, every minute). */
export const FOLD_INTERVAL_MS = 5_000;

const foldSchedule = periodicJob(
  "rollupFoldSchedule",
  async () => {
    try {
      await foldStatDeltas(await getDeliveryDb());
    } catch (err) {
      log.error("folding the dashboard rollups failed; will try again", { err });
    }
  },
  { firstRunMs: FOLD_INTERVAL_MS, intervalMs: FOLD_INTERVAL_MS },
);
export const startRollupFoldSchedule = foldSchedule.start;
export const stopRollupFoldSchedule = foldSchedule.stop;

// Any fixed 64-bit key, the same in every process.
const FOLD_LOCK_KEY = 7_150_015;

// --- Reading --------------------------------------------------------------------------------------

/**
 * An account's rollup rows for the hours from `since` (one endpoint's, with `webhookId`): the
 * folded hours and the deltas not folded yet, in one statement, for the caller to add up by
 * (endpoint, hour). Both tables are indexed by (account_id, hour) and (webhook_id, hour).
 */
export function rollupRows(db: Queryable, where: { accountId: string; since: Date; webhookId?: string }) {
  // The two tables have the same columns.
  const rowsOf = (t: typeof webhookHourlyStats | typeof webhookStatDeltas) =>
    db
      .select({ webhookId: t.webhookId, hour: t.hour, pending: t.pending, succeeded: t.succeeded, failed: t.failed, latency: t.latency })
      .from(t as typeof webhookHourlyStats)
      .where(
        and(eq(t.accountId, where.accountId), gte(t.hour, where.since), where.webhookId ? eq(t.webhookId, where.webhookId) : undefined),
      );
  return rowsOf(webhookHourlyStats).unionAll(rowsOf(webhookStatDeltas));
}

// --- Retention ------------------------------------------------------------------------------------

/**
 * Histograms are kept from the first whole hour after the retention cut-off: retention never
 * deletes an attempt started after the cut-off (its delivery finished after it), so from there
 * they equal the raw rows; an earlier hour may have lost some of its attempts, and is cleared.
 */
export function latencyKeptFrom(retentionCutoff: Date): Date {
  return new Date(Math.ceil(retentionCutoff.getTime() / 3_600_000) * 3_600_000);
}

/**
 * After retention has deleted deliveries (their counts left the rollups with them, as deltas):
 * fold, then clear the histograms of hours before latencyKeptFrom and drop those hours' rows once
 * no delivery is left. Under the fold's lock, so the hourly rows still have a single writer.
 */
export async function pruneRollups(db: Db, retentionCutoff: Date): Promise<void> {
  await foldStatDeltas(db); // so a row whose deliveries are all gone reads zero
  const from = latencyKeptFrom(retentionCutoff).toISOString();
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${FOLD_LOCK_KEY})`);
    await tx.execute(sql`
      delete from webhook_hourly_stats s
      where s.hour < ${from}::timestamptz and s.pending = 0 and s.succeeded = 0 and s.failed = 0
        and not exists (select 1 from webhook_stat_deltas d where d.webhook_id = s.webhook_id and d.hour = s.hour)`);
    await tx.execute(sql`
      update webhook_hourly_stats set latency = '{}'::jsonb
      where hour < ${from}::timestamptz and latency <> '{}'::jsonb`);
    await tx.execute(sql`
      update webhook_stat_deltas set latency = '{}'::jsonb
      where hour < ${from}::timestamptz and latency <> '{}'::jsonb`);
  });
}

/** Recompute every rollup from the raw rows (`npm run rollups:rebuild`), as retention would keep them. */
export async function rebuildRollups(db: Queryable, retentionCutoff: Date): Promise<void> {
  // One statement, so one transaction: writers wait on its table lock, then add their changes.
  await db.execute(sql`select webhook_stats_rebuild(${latencyKeptFrom(retentionCutoff).toISOString()}::timestamptz)`);
}
