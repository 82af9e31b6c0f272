import { sql, type SQL } from "drizzle-orm";
import { getConfig } from "@/lib/config";
import { getDeliveryDb, type Db } from "@/lib/db";
import { log } from "@/lib/log";
import { periodicJob } from "@/lib/schedule";
import { pruneRollups } from "./rollups";

// Retention: the delivery log does not grow for ever. Finished deliveries (succeeded or failed,
// never pending) older than WEBHOOK_RETENTION_DAYS go, with their attempts (ON DELETE CASCADE);
// then the dashboard rollups' latency of hours before the window (rollups.ts); then events older
// than the window that no delivery references any more; then idempotency
// keys older than 24 h. Deletes run in bounded batches so no statement holds many locks or
// runs long, and a pending delivery is never touched.
//
// Several processes may run this at once (the server's timer, each `npm run worker`, the
// Inngest cron): there is no lock, the deletes are idempotent instead. Each batch picks its rows
// with FOR UPDATE SKIP LOCKED, so two pruners take disjoint batches instead of waiting on each
// other, and a row another pruner already deleted is simply not there any more.

export const PRUNE_BATCH = 1000;
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60_000;
export const PRUNE_INTERVAL_MS = 60 * 60_000;
export const PRUNE_FIRST_RUN_MS = 60_000;

export interface PruneResult {
  deliveries: number;
  events: number;
  idempotencyKeys: number;
  /** The cut-off used for deliveries and events, ISO 8601. */
  before: string;
}

export interface PruneOptions {
  /** Rows per statement (tests shrink it to exercise the loop). */
  batchSize?: number;
  /** Checked between batches: a stopping process leaves the rest for next time. */
  shouldStop?: () => boolean;
}

/** Finished deliveries that ended before this are past retention as of `now`. */
export function retentionCutoff(now: Date): Date {
  return new Date(now.getTime() - getConfig().retentionDays * 86_400_000);
}

/** Delete what is past retention as of `now`. Safe to run concurrently and repeatedly. */
export async function pruneDeliveries(now: Date = new Date(), opts: PruneOptions = {}): Promise<PruneResult> {
  const db = await getDeliveryDb();
  const batch = opts.batchSize ?? PRUNE_BATCH;
  const stop = opts.shouldStop ?? (() => false);
  const before = retentionCutoff(now);
  const cutoff = before.toISOString();
  const keysCutoff = new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_MS).toISOString();

  // A delivery counts from when it finished: one created long ago but replayed yesterday stays.
  const deliveriesDeleted = await deleteInBatches(db, stop, () => sql`
    delete from deliveries where id in (
      select id from deliveries
      where status in ('succeeded', 'failed')
        and created_at < ${cutoff}::timestamptz
        and coalesce(completed_at, updated_at) < ${cutoff}::timestamptz
      limit ${batch}
      for update skip locked)`);

  // Their counts left the rollups with them (a trigger); histograms of older hours go now.
  if (!stop()) await pruneRollups(db, before);

  const eventsDeleted = await deleteInBatches(db, stop, () => sql`
    delete from events where id in (
      select e.id from events e
      where e.created_at < ${cutoff}::timestamptz
        and not exists (select 1 from deliveries d where d.event_id = e.id)
      limit ${batch}
      for update of e skip locked)`);

  // No single-column key here: batch on the physical row id.
  const keysDeleted = await deleteInBatches(db, stop, () => sql`
    delete from idempotency_keys where ctid = any(array(
      select ctid from idempotency_keys
      where created_at < ${keysCutoff}::timestamptz
      limit ${batch}
      for update skip locked))`);

  return { deliveries: deliveriesDeleted, events: eventsDeleted, idempotencyKeys: keysDeleted, before: before.toISOString() };
}

async function deleteInBatches(db: Db, stop: () => boolean, statement: () => SQL): Promise<number> {
  let total = 0;
  while (!stop()) {
    const deleted = affectedRows(await db.execute(statement()));
    total += deleted;
    if (deleted === 0) break;
  }
  return total;
}

// postgres.js reports `count`, PGlite `affectedRows`.
function affectedRows(result: unknown): number {
  const r = result as { count?: unknown; affectedRows?: unknown };
  if (typeof r.count === "number") return r.count;
  if (typeof r.affectedRows === "number") return r.affectedRows;
  return 0;
}

// --- The embedded engine's schedule ------------------------------------------------------------

/**
 * Prune a minute after start, then hourly, in this process (the embedded engine; under the
 * inngest engine the prune-deliveries cron does it). A run in progress stops after its current
 * batch when the schedule is stopped.
 */
const retentionSchedule = periodicJob(
  "retentionSchedule",
  (shouldStop) =>
    pruneDeliveries(new Date(), { shouldStop })
      .then((result) => {
        if (result.deliveries || result.events || result.idempotencyKeys) log.info("pruned old webhook data", { ...result });
      })
      .catch((err) => log.error("pruning old deliveries failed; will try again next hour", { err })),
  { firstRunMs: PRUNE_FIRST_RUN_MS, intervalMs: PRUNE_INTERVAL_MS },
);
export const startRetentionSchedule = retentionSchedule.start;
export const stopRetentionSchedule = retentionSchedule.stop;
