import { InngestTestEngine } from "@inngest/test";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb, getDbHandle, resultRows } from "@/lib/db";
import { deliveries, webhookStatDeltas } from "@/lib/db/schema";
import { createTestAccount } from "@/lib/testing/fixtures";
import { startReceiver, type Behaviour, type Receiver } from "@/lib/testing/receiver";
import { createTestWebhook, emitTestEvent, getDelivery, useFastDeliverySettings } from "@/lib/testing/webhook-fixtures";
import { deliverWebhook } from "@/inngest/functions/deliver-webhook";
import { foldRollupsFunction } from "@/inngest/functions/fold-rollups";
import { bucketSecondsFor, replayDelivery, retryFailedDeliveries, SUMMARY_WINDOW_HOURS, summarizeWebhooks, webhookTimeline } from "./delivery-log";
import { DELIVERY_REQUESTED } from "./engine";
import { pruneDeliveries, retentionCutoff } from "./retention";
import {
  foldStatDeltas,
  LATENCY_RELATIVE_ERROR,
  latencyKeptFrom,
  mergeHistograms,
  rebuildRollups,
  rollupRows,
  startRollupFoldSchedule,
  stopRollupFoldSchedule,
} from "./rollups";
import { retryFailedInput } from "./schemas";
import { DeliveryWorker } from "./worker";

// The dashboard's rollups (webhook_hourly_stats) against the raw rows they summarise, after a
// mixed stream through the real paths: the embedded worker and the Inngest function sending to
// real receivers (500 then 200, always 500, varied latency), retries, a replay, retry-failed,
// history spread over 30 days, and retention. Counts must match exactly; percentiles within the
// sketch's stated relative error of percentile_cont over the raw attempts. Then
// `npm run rollups:rebuild`'s function must reproduce the same rollups.

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

let ok: Receiver; // answers 500 then 200 for some, with varied latency
let failing: Receiver; // answers 500 until told otherwise
let accountId: string;
const hookIds: string[] = [];

beforeAll(async () => {
  // Retries due at once: the Inngest test engine cannot wait out a backoff (its sleeps are mocked).
  useFastDeliverySettings({ WEBHOOK_RETRY_DELAYS_MS: "0,0,0" });
  resetConfigForTests();
  await getDb();
  accountId = (await createTestAccount("advertiser")).account.id;
  ok = await startReceiver();
  failing = await startReceiver();
  failing.respondWith({ status: 500, delayMs: 4 });
  const both = { events: ["conversion.created", "conversion.approved"] as const };
  for (const [url, opts] of [
    [ok.url, both],
    [ok.url, { events: ["conversion.created"] as const }],
    [failing.url, both],
  ] as const) {
    hookIds.push((await createTestWebhook(accountId, url, { events: [...opts.events] })).webhookId);
  }
});
afterAll(async () => {
  await Promise.all([ok?.close(), failing?.close()]);
  resetConfigForTests();
  await closeDb();
});

/** A mix of answers for the `ok` receiver: some 500s (so retries), 200s at several latencies. */
function okAnswers(n: number): Behaviour[] {
  const delays = [0, 2, 7, 15, 30, 55];
  return Array.from({ length: n }, (_, i) => (i % 4 === 3 ? { status: 500, delayMs: delays[i % 6] } : { status: 200, delayMs: delays[i % 6] }));
}

async function pendingCount() {
  const db = await getDb();
  const [row] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(deliveries)
    .where(and(eq(deliveries.accountId, accountId), eq(deliveries.status, "pending")));
  return row!.n;
}

async function settle(timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while ((await pendingCount()) > 0) {
    if (Date.now() > deadline) throw new Error(`${await pendingCount()} deliveries still pending`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function withWorker(fn: () => Promise<void>) {
  const worker = new DeliveryWorker({ accountIds: [accountId], pollMs: 50 });
  await worker.start();
  try {
    await fn();
    await settle();
  } finally {
    await worker.stop();
  }
}

/** One delivery through the Inngest function under @inngest/test, sleeps mocked. */
async function runInngest(deliveryId: string) {
  const { webhookId } = await getDelivery(deliveryId);
  const t = new InngestTestEngine({
    function: deliverWebhook,
    events: [{ name: DELIVERY_REQUESTED, data: { deliveryId, webhookId, accountId } }],
    steps: [1, 2, 3].map((n) => ({ id: `backoff-${n}`, handler: () => null })),
  });
  return (await t.execute()).result;
}

type RollupRow = { webhookId: string; hour: number; pending: number; succeeded: number; failed: number; latency: Record<string, number> };

/**
 * The rollups of this test's endpoints as readers see them (folded hours plus deltas not folded
 * yet, added up), without rows that say nothing (all zero, no latency).
 */
async function storedRollups(): Promise<RollupRow[]> {
  const db = await getDb();
  const byKey = new Map<string, RollupRow & { buckets: Map<number, number> }>();
  for (const r of await rollupRows(db, { accountId, since: new Date(0) })) {
    const key = `${r.webhookId}@${r.hour.getTime()}`;
    const row = byKey.get(key) ?? { webhookId: r.webhookId, hour: r.hour.getTime(), pending: 0, succeeded: 0, failed: 0, latency: {}, buckets: new Map() };
    row.pending += r.pending;
    row.succeeded += r.succeeded;
    row.failed += r.failed;
    mergeHistograms(row.buckets, r.latency);
    byKey.set(key, row);
  }
  return [...byKey.values()]
    .map(({ buckets, ...r }) => ({ ...r, latency: Object.fromEntries([...buckets].filter(([, n]) => n !== 0).sort((a, b) => a[0] - b[0]).map(([k, n]) => [String(k), n])) }))
    .filter((r) => r.pending || r.succeeded || r.failed || Object.keys(r.latency).length)
    .sort((a, b) => a.webhookId.localeCompare(b.webhookId) || a.hour - b.hour);
}

/** Deltas of this test's endpoints not folded yet. */
async function unfoldedDeltas(): Promise<number> {
  const db = await getDb();
  const [row] = await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(webhookStatDeltas).where(eq(webhookStatDeltas.accountId, accountId));
  return row!.n;
}

/** Deliveries per (endpoint, bucket of `widthSeconds`, status), from the raw rows. */
async function rawCounts(widthSeconds: number, from = new Date(0)) {
  const db = await getDb();
  const rows = await db.execute(sql`
    select webhook_id, (floor(extract(epoch from created_at) / ${widthSeconds}) * ${widthSeconds})::bigint as bucket, status, count(*) as n
    from deliveries where webhook_id in ${hookIds} and created_at >= ${from.toISOString()}::timestamptz
    group by 1, 2, 3`);
  const out = new Map<string, { pending: number; succeeded: number; failed: number }>();
  for (const r of resultRows<{ webhook_id: string; bucket: string; status: string; n: string }>(rows)) {
    const key = `${r.webhook_id}@${Number(r.bucket) * 1000}`;
    const c = out.get(key) ?? { pending: 0, succeeded: 0, failed: 0 };
    c[r.status as "pending"] += Number(r.n);
    out.set(key, c);
  }
  return out;
}

/** percentile_cont(0.5 / 0.95) and the count of one endpoint's attempts per bucket, from the raw rows. */
async function rawLatency(webhookId: string, widthSeconds: number, from: Date) {
  const db = await getDb();
  const rows = await db.execute(sql`
    select (floor(extract(epoch from a.started_at) / ${widthSeconds}) * ${widthSeconds})::bigint as bucket, count(*) as n,
      percentile_cont(0.5) within group (order by a.duration_ms) as p50,
      percentile_cont(0.95) within group (order by a.duration_ms) as p95
    from delivery_attempts a join deliveries d on d.id = a.delivery_id
    where d.webhook_id = ${webhookId} and a.started_at >= ${from.toISOString()}::timestamptz
    group by 1`);
  return new Map(resultRows<{ bucket: string; n: string; p50: number; p95: number }>(rows).map((r) => [Number(r.bucket) * 1000, { n: Number(r.n), p50: Number(r.p50), p95: Number(r.p95) }]));
}

/** Within the sketch's relative error of the exact value (+ the chart's rounding to whole ms). */
const withinSketchError = (actual: number | null, exact: number) =>
  actual !== null && Math.abs(actual - exact) <= exact * LATENCY_RELATIVE_ERROR + 0.5;

/**
 * The dashboard's numbers — the 24 h summary, the 24 h and the 30 d charts — against the raw
 * rows: counts exactly, percentiles within the sketch's error. Returns how many percentiles it compared.
 */
async function expectDashboardEqualsRaw(): Promise<number> {
  const summaryFrom = new Date(Math.floor((Date.now() - SUMMARY_WINDOW_HOURS * HOUR_MS) / HOUR_MS) * HOUR_MS);
  const recent = await rawCounts(1e9, summaryFrom); // one bucket: the whole window
  const summary = await summarizeWebhooks(accountId);
  for (const hookId of hookIds) {
    const raw = [...recent].filter(([k]) => k.startsWith(`${hookId}@`)).map(([, c]) => c)[0] ?? { pending: 0, succeeded: 0, failed: 0 };
    const row = summary.find((s) => s.webhookId === hookId)!;
    expect({ pending: row.pending, succeeded: row.succeeded, failed: row.failed, total: row.total }).toEqual({ ...raw, total: raw.pending + raw.succeeded + raw.failed });
  }
  let percentilesCompared = 0;
  for (const hours of [24, 720]) {
    const width = bucketSecondsFor(hours);
    for (const hookId of hookIds) {
      const timeline = await webhookTimeline(accountId, hookId, hours);
      const from = timeline.buckets[0]!.bucketStart;
      const rawByBucket = await rawCounts(width, from);
      const latency = await rawLatency(hookId, width, from);
      for (const b of timeline.buckets) {
        const t = b.bucketStart.getTime();
        const c = rawByBucket.get(`${hookId}@${t}`) ?? { pending: 0, succeeded: 0, failed: 0 };
        expect({ pending: b.pending, succeeded: b.succeeded, failed: b.failed }, `${hours} h chart at ${b.bucketStart.toISOString()}`).toEqual(c);
        const l = latency.get(t);
        if (!l) {
          expect(b.p50DurationMs).toBeNull();
          continue;
        }
        expect(withinSketchError(b.p50DurationMs, l.p50), `p50 ${b.p50DurationMs} vs ${l.p50}`).toBe(true);
        expect(withinSketchError(b.p95DurationMs, l.p95), `p95 ${b.p95DurationMs} vs ${l.p95}`).toBe(true);
        percentilesCompared++;
      }
    }
  }
  return percentilesCompared;
}

describe("rollups after a mixed stream", () => {
  it("equal the raw rows — counts exactly, percentiles within the sketch's error — and a rebuild reproduces them", async () => {
    const db = await getDb();

    // 1. The embedded worker: 8 events of each kind; some 500s among the good receiver's answers,
    // so some deliveries retry; the failing endpoint's 16 exhaust their 4 attempts.
    ok.queue(...okAnswers(20)); // fewer than the 24 first attempts, so none is left over
    await withWorker(async () => {
      for (let i = 0; i < 8; i++) {
        await emitTestEvent(accountId, "conversion.created");
        await emitTestEvent(accountId, "conversion.approved");
      }
    });

    // 2. A replay of a failed delivery (answered 200 now), then retry-failed of the rest of that
    // endpoint (its first three answers 500, so those retry once more).
    const failed = await db.select().from(deliveries).where(and(eq(deliveries.webhookId, hookIds[2]!), eq(deliveries.status, "failed")));
    expect(failed).toHaveLength(16);
    await withWorker(async () => {
      failing.queue({ status: 200, delayMs: 12 });
      await replayDelivery(accountId, failed[0]!.id);
      await settle();
      failing.respondWith({ status: 200, delayMs: 9 });
      failing.queue({ status: 500, delayMs: 40 }, { status: 500, delayMs: 40 }, { status: 500, delayMs: 40 });
      await retryFailedDeliveries(accountId, retryFailedInput.parse({ webhookId: hookIds[2] }));
    });
    failing.respondWith({ status: 500, delayMs: 4 });

    // 3. The Inngest function: 500 then 200 from the good receiver; the failing one exhausts all 4 attempts.
    const inngestIds: string[] = [];
    for (let i = 0; i < 3; i++) inngestIds.push(...(await emitTestEvent(accountId, "conversion.created", { wake: false })).deliveryIds);
    for (const id of inngestIds) {
      const { webhookId } = await getDelivery(id);
      if (webhookId !== hookIds[2]) ok.queue({ status: 500, delayMs: 3 }, { status: 200, delayMs: 20 });
      expect(await runInngest(id)).toEqual(webhookId === hookIds[2] ? { status: "failed", attemptNumber: 4 } : { status: "succeeded", attemptNumber: 2 });
    }
    // 4. Two events nobody sends yet: pending.
    for (let i = 0; i < 2; i++) await emitTestEvent(accountId, "conversion.approved", { wake: false });

    // The stream did what it says: retried, replayed, exhausted, still pending.
    const all = await db.select().from(deliveries).where(eq(deliveries.accountId, accountId));
    expect(all.some((d) => d.status === "succeeded" && d.attemptCount > 1)).toBe(true);
    expect(all.some((d) => d.attemptCount > 4)).toBe(true); // replayed: attempt numbers continue
    expect(all.filter((d) => d.status === "pending")).toHaveLength(4); // 2 events × 2 endpoints subscribed to approved
    expect(all.filter((d) => d.status === "failed").length).toBeGreaterThanOrEqual(3); // the Inngest ones

    // Nothing has folded yet (no fold schedule runs here): readers add the deltas themselves.
    expect(await unfoldedDeltas()).toBeGreaterThan(0);
    await expectDashboardEqualsRaw();
    const beforeFold = await storedRollups();
    expect(await foldStatDeltas(db)).toBeGreaterThan(0);
    expect(await unfoldedDeltas()).toBe(0);
    expect(await storedRollups()).toEqual(beforeFold);
    await expectDashboardEqualsRaw();

    // 5. History over 30 days and beyond retention: move deliveries (and their attempts) back in
    // time as if they had happened then, so one statement moves rows between hours; then prune.
    // Each endpoint's finished deliveries in four groups: 26 h, 74 h, 40 days old, and now. (Past
    // the 24 h summary, on three different days of the 30 d chart; and younger than 4 days, the
    // shortest retention another test file prunes with meanwhile on a shared database.)
    const finished = hookIds.flatMap((h) => all.filter((d) => d.webhookId === h && d.status !== "pending").map((d, j) => ({ id: d.id, group: j % 4 })));
    const ages = [26 * HOUR_MS, 74 * HOUR_MS, 40 * DAY_MS];
    for (const [i, ageMs] of ages.entries()) {
      const ids = finished.filter((d) => d.group === i).map((d) => d.id);
      const shift = sql.raw(`interval '${ageMs / 1000} seconds'`);
      await db.execute(sql`update delivery_attempts set started_at = started_at - ${shift} where delivery_id in ${ids}`);
      await db.execute(sql`update deliveries set created_at = created_at - ${shift}, updated_at = updated_at - ${shift},
        completed_at = completed_at - ${shift} where id in ${ids}`);
    }
    const now = new Date();
    await pruneDeliveries(now);
    expect(await db.select({ id: deliveries.id }).from(deliveries).where(inArray(deliveries.id, finished.filter((d) => d.group === 2).map((d) => d.id)))).toEqual([]);
    const keptFrom = latencyKeptFrom(retentionCutoff(now));

    // 6a. Stored rows: counts per endpoint and hour exactly; every retained attempt in its hour's histogram.
    const stored = await storedRollups();
    const counts = await rawCounts(3_600);
    expect(new Map(stored.filter((r) => r.pending + r.succeeded + r.failed > 0).map((r) => [`${r.webhookId}@${r.hour}`, { pending: r.pending, succeeded: r.succeeded, failed: r.failed }]))).toEqual(counts);
    expect(counts.size).toBeGreaterThanOrEqual(3 * 3); // three endpoints, at least three distinct hours each
    for (const hookId of hookIds) {
      const attempts = await rawLatency(hookId, 3_600, keptFrom);
      const inSketch = new Map(
        stored.filter((r) => r.webhookId === hookId && Object.keys(r.latency).length).map((r) => [r.hour, Object.values(r.latency).reduce((a, b) => a + b, 0)]),
      );
      expect(inSketch).toEqual(new Map([...attempts].map(([hour, l]) => [hour, l.n])));
    }
    expect(stored.filter((r) => r.hour < keptFrom.getTime() && Object.keys(r.latency).length)).toEqual([]);

    // 6b. What the dashboard shows: the 24 h summary, the 24 h and the 30 d charts.
    const percentilesCompared = await expectDashboardEqualsRaw();
    expect(percentilesCompared).toBeGreaterThanOrEqual(3 + 3 * 3); // per endpoint: 24 h, its latest hour; 30 d: three days

    // 7. A rebuild from the raw rows lands on the same rollups.
    await rebuildRollups(db, retentionCutoff(now));
    expect(await storedRollups()).toEqual(stored);
  }, 180_000); // a long stream: on PGlite under a loaded CI box it takes tens of seconds
});

describe("rollups under concurrent writers", () => {
  it("are only written by the fold: writers append deltas and never wait on one another", async () => {
    const db = await getDb();
    // Two deliveries to one endpoint in the same hour (the writers of both touch the same
    // rollup), folded once so that hour's row exists.
    const created: string[] = [];
    for (let i = 0; i < 2; i++) created.push(...(await emitTestEvent(accountId, "conversion.created", { wake: false })).deliveryIds);
    await foldStatDeltas(db);
    const hourlyVersions = async () =>
      resultRows<{ key: string; xmin: string }>(
        await db.execute(sql`select webhook_id || '@' || hour::text as key, xmin::text as xmin from webhook_hourly_stats where account_id = ${accountId} order by 1`),
      );
    const before = await hourlyVersions();
    expect(before.length).toBeGreaterThan(0);

    const [first, second] = (await db.select({ id: deliveries.id }).from(deliveries).where(and(inArray(deliveries.id, created), eq(deliveries.webhookId, hookIds[0]!)))).map((d) => d.id);
    expect(first && second).toBeTruthy();
    const finish = (id: string) => sql`update deliveries set status = 'failed', completed_at = now(), locked_until = null where id = ${id}`;

    const { driver } = await getDbHandle();
    if (driver === "postgres") {
      // The first writer's transaction stays open while the second runs on another connection with
      // a lock timeout: with one upserted row per endpoint and hour (the withdrawn design) the
      // second waited for the first and failed here with "canceling statement due to lock timeout".
      let secondDone!: () => void;
      const secondFinished = new Promise<void>((resolve) => (secondDone = resolve));
      let firstUpdated!: () => void;
      const firstHasWritten = new Promise<void>((resolve) => (firstUpdated = resolve));
      const firstWriter = db.transaction(async (tx) => {
        await tx.execute(finish(first!));
        firstUpdated();
        await secondFinished;
      });
      await firstHasWritten;
      await db.transaction(async (tx) => {
        await tx.execute(sql`set local lock_timeout = '2s'`);
        await tx.execute(finish(second!));
      }).finally(() => secondDone());
      await firstWriter;
    } else {
      await db.execute(finish(first!));
      await db.execute(finish(second!));
    }

    expect(await hourlyVersions()).toEqual(before); // no writer updated a folded row
    expect(await unfoldedDeltas()).toBeGreaterThan(0);
    await expectDashboardEqualsRaw();
    await foldStatDeltas(db);
    expect(await unfoldedDeltas()).toBe(0);
    await expectDashboardEqualsRaw();
  }, 60_000);
});

describe("the fold on both engines", () => {
  it("embedded: the timer folds committed deltas, and stopping disarms it", async () => {
    await emitTestEvent(accountId, "conversion.approved", { wake: false });
    expect(await unfoldedDeltas()).toBeGreaterThan(0);
    const expected = await storedRollups();
    startRollupFoldSchedule({ firstRunMs: 20, intervalMs: 60_000 });
    try {
      const deadline = Date.now() + 10_000;
      while ((await unfoldedDeltas()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await unfoldedDeltas()).toBe(0);
      expect(await storedRollups()).toEqual(expected);
    } finally {
      await stopRollupFoldSchedule();
    }
  });

  it("inngest: the fold-rollups cron folds in one step", async () => {
    await emitTestEvent(accountId, "conversion.approved", { wake: false });
    const expected = await storedRollups();
    const t = new InngestTestEngine({ function: foldRollupsFunction });
    const { result, ctx } = await t.execute();
    expect(ctx.step.run.mock.calls.map((c: unknown[]) => c[0])).toEqual(["fold"]);
    expect((result as { folded: number }).folded).toBeGreaterThan(0);
    expect(await unfoldedDeltas()).toBe(0);
    expect(await storedRollups()).toEqual(expected);
  });
});
