import { sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db";

// The dashboard's numbers come from rollups (webhook_hourly_stats), never from history: per
// endpoint and UTC hour, the deliveries created in that hour by their current status, and a
// histogram of the durations of the attempts started in it. Statement-level triggers on
// deliveries and delivery_attempts keep them (migration delivery_log_indexes_and_rollups), inside whatever statement changes
// the raw rows — the attempt recorder's batched write (both engines), the outbox, replay,
// retry-failed, held deliveries, retention — so they are exact at every commit. This module reads
// them, prunes them with retention, and rebuilds them from raw rows.
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
 * After retention has deleted deliveries (their counts left the rollups with them): clear the
 * histograms of hours before latencyKeptFrom, and drop those hours' rows once no delivery is left.
 */
export async function pruneRollups(db: Queryable, retentionCutoff: Date): Promise<void> {
  const from = latencyKeptFrom(retentionCutoff).toISOString();
  await db.execute(sql`
    delete from webhook_hourly_stats
    where hour < ${from}::timestamptz and pending = 0 and succeeded = 0 and failed = 0`);
  await db.execute(sql`
    update webhook_hourly_stats set latency = '{}'::jsonb
    where hour < ${from}::timestamptz and latency <> '{}'::jsonb`);
}

/** Recompute every rollup from the raw rows (`npm run rollups:rebuild`), as retention would keep them. */
export async function rebuildRollups(db: Queryable, retentionCutoff: Date): Promise<void> {
  // One statement, so one transaction: writers wait on its table lock, then add their changes.
  await db.execute(sql`select webhook_stats_rebuild(${latencyKeptFrom(retentionCutoff).toISOString()}::timestamptz)`);
}
