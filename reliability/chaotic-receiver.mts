// Scenario c — a chaotic receiver: 500 on 30% of requests, a hang past the 300 ms timeout on
// 10%, a connection reset on 5%. Promises: every delivery ends succeeded or failed within its
// budget (attempts ≤ retries + 1, each one recorded, nothing left pending after the schedule);
// then the receiver heals, "retry failed" (retryFailedDeliveries, what POST
// /api/webhooks/retry-failed calls) sends the rest, and every delivery has succeeded.
//   REL_CHAOS_EVENTS (default 1500)
import { inArray, sql } from "drizzle-orm";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb, migratePostgres } from "@/lib/db";
import { deliveries, deliveryAttempts } from "@/lib/db/schema";
import { randomString } from "@/lib/ids";
import { createScratchDatabase, requireServerUrl } from "@/lib/testing/scratch-database";
import { retryFailedDeliveries } from "@/lib/webhooks/delivery-log";
import { generateSigningSecret } from "@/lib/webhooks/secrets";
import {
  allDeliveries,
  analyse,
  createEndpoints,
  deliveryStatusCounts,
  emitStream,
  print,
  Promises,
  round,
  sleep,
  startReceiverProcess,
  waitUntil,
} from "./lib";
import { WorkerSupervisor } from "./stream";

const scenario = "chaotic-receiver";
const EVENTS = Number(process.env.REL_CHAOS_EVENTS ?? 1500);
const ENDPOINTS = 8;
const RETRY_DELAYS_MS = "50,100,200";
const BUDGET = RETRY_DELAYS_MS.split(",").length + 1;
const CHAOS = { fail500: 0.3, hang: 0.1, reset: 0.05 };

const promises = new Promises();
const scratch = await createScratchDatabase(requireServerUrl("npm run test:reliability"), "rel");
process.env.DATABASE_URL = scratch.url;
process.env.WEBHOOK_ENGINE = "embedded";
process.env.LOG_LEVEL ??= "error";
resetConfigForTests();
const secret = generateSigningSecret();
const receiver = await startReceiverProcess(secret);
let supervisor: WorkerSupervisor | undefined;
try {
  await migratePostgres(scratch.url);
  const accountIds = await createEndpoints(ENDPOINTS, receiver.url, secret);
  receiver.chaos(CHAOS);
  supervisor = new WorkerSupervisor(
    {
      DATABASE_URL: scratch.url,
      WEBHOOK_ENGINE: "embedded",
      WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
      WEBHOOK_RETRY_DELAYS_MS: RETRY_DELAYS_MS,
      WEBHOOK_TIMEOUT_MS: "300",
    },
    accountIds,
  );
  await supervisor.start();
  const t0 = performance.now();
  await emitStream({ accountIds, total: EVENTS, ratePerS: 1000, prefix: randomString(8) });

  // Phase 1: under chaos, every delivery runs its schedule to the end.
  const settled = await waitUntil(async () => (await deliveryStatusCounts(accountIds)).pending === 0, 150_000);
  const chaosSeconds = (performance.now() - t0) / 1000;
  const afterChaos = await deliveryStatusCounts(accountIds);
  const db = await getDb();
  const rows = await allDeliveries(accountIds);
  const ids = rows.map((r) => r.id);
  const recorded = await attemptsPerDelivery(ids);
  const overBudget = rows.filter((r) => r.attemptCount > BUDGET);
  const unrecorded = rows.filter((r) => (recorded.get(r.id) ?? 0) !== r.attemptCount);
  const failedEarly = rows.filter((r) => r.status === "failed" && r.attemptCount !== BUDGET);
  const succeededWithout2xx = await db.execute<{ id: string }>(sql`
    select d.id from ${deliveries} d
    where d.id = any(${`{${ids.join(",")}}`}::text[]) and d.status = 'succeeded'
      and not exists (select 1 from ${deliveryAttempts} a where a.delivery_id = d.id and a.status_code between 200 and 299)`);
  const chaosReport = await receiver.report();
  const maxAttempts = Math.max(0, ...rows.map((r) => r.attemptCount));
  print({
    scenario,
    phase: "chaos",
    events: EVENTS,
    deliveries: rows.length,
    chaos: CHAOS,
    timeout_ms: 300,
    retry_delays_ms: RETRY_DELAYS_MS,
    succeeded: afterChaos.succeeded,
    failed: afterChaos.failed,
    pending: afterChaos.pending,
    attempts: [...recorded.values()].reduce((a, b) => a + b, 0),
    max_attempts: maxAttempts,
    budget: BUDGET,
    requests_received: chaosReport.rows.length,
    answered: chaosReport.answered, // "200", "500", "0" = hung, "-1" = reset
    invalid_signatures: chaosReport.invalidSignatures,
    seconds: round(chaosSeconds),
  });
  promises.check(settled && afterChaos.pending === 0, "no delivery left pending after its schedule", afterChaos);
  promises.check(rows.length === EVENTS, "one delivery per event", rows.length);
  promises.check(overBudget.length === 0, `no delivery over its budget of ${BUDGET} attempts`, overBudget.slice(0, 5));
  promises.check(unrecorded.length === 0, "every attempt is recorded (attempt rows = attempt count)", unrecorded.slice(0, 5));
  promises.check(failedEarly.length === 0, "a delivery fails only after its whole budget", failedEarly.slice(0, 5));
  promises.check(rowsOf(succeededWithout2xx).length === 0, "a succeeded delivery has a 2xx attempt", rowsOf(succeededWithout2xx).slice(0, 5));
  promises.check((chaosReport.answered["500"] ?? 0) > 0 && (chaosReport.answered["0"] ?? 0) > 0 && (chaosReport.answered["-1"] ?? 0) > 0,
    "the receiver really was chaotic (500s, hangs and resets all happened)", chaosReport.answered);

  // Phase 2: the receiver heals; retry-failed brings the rest home.
  receiver.chaos(null);
  const t1 = performance.now();
  let retried = 0;
  for (const accountId of accountIds) retried += (await retryFailedDeliveries(accountId, {})).count;
  const healed = await waitUntil(async () => {
    const c = await deliveryStatusCounts(accountIds);
    return c.pending === 0 && c.succeeded === EVENTS;
  }, 60_000);
  await sleep(200);
  const final = await deliveryStatusCounts(accountIds);
  const finalRows = await allDeliveries(accountIds);
  const report = await receiver.report();
  const seen = analyse(report, new Set(ids));
  const got200 = new Set(report.rows.filter((r) => r[2] === 200).map((r) => r[0]));
  const never200 = ids.filter((id) => !got200.has(id));
  print({
    scenario,
    phase: "healed",
    retried,
    succeeded: final.succeeded,
    failed: final.failed,
    pending: final.pending,
    max_attempts: Math.max(0, ...finalRows.map((r) => r.attemptCount)),
    received: seen.received,
    unique: seen.unique,
    never_answered_200: never200.length,
    invalid_signatures: report.invalidSignatures,
    seconds: round((performance.now() - t1) / 1000),
  });
  promises.check(retried === afterChaos.failed, "retry-failed picked up every failed delivery", { retried, failed: afterChaos.failed });
  promises.check(healed && final.succeeded === EVENTS, "after healing and retry-failed every delivery succeeded", final);
  promises.check(never200.length === 0, "the receiver answered 200 to every delivery at least once", never200.slice(0, 5));
  promises.check(seen.unknown.length === 0, "no webhook-id the database does not know", seen.unknown.slice(0, 5));
  promises.check(seen.eventsWithSeveralIds.length === 0, "each event always arrived with the same webhook-id", seen.eventsWithSeveralIds.slice(0, 5));
  promises.check(report.invalidSignatures === 0, "every request carried valid signatures (both schemes)", report.invalidSignatures);
  promises.check(
    finalRows.every((r) => r.attemptCount <= 2 * BUDGET),
    `no delivery over its two budgets (${2 * BUDGET} attempts)`,
    finalRows.filter((r) => r.attemptCount > 2 * BUDGET).slice(0, 5),
  );
} finally {
  await supervisor?.stop();
  await receiver.close();
  await closeDb();
  await scratch.drop();
}
promises.finish(scenario);

async function attemptsPerDelivery(ids: string[]) {
  const db = await getDb();
  const out = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db
      .select({ id: deliveryAttempts.deliveryId, n: sql<number>`count(*)::int` })
      .from(deliveryAttempts)
      .where(inArray(deliveryAttempts.deliveryId, ids.slice(i, i + 1000)))
      .groupBy(deliveryAttempts.deliveryId);
    for (const r of rows) out.set(r.id, r.n);
  }
  return out;
}

// postgres.js returns the rows as an array, PGlite as { rows }.
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}
