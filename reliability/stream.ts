// The streaming scenario both crash tests share: events stream through the real outbox to a
// receiver in another process while `npm run worker` delivers them, and something is broken
// mid-stream (the worker SIGKILLed, or PostgreSQL restarted). Then: nothing lost, duplicates
// only for what was claimed at the moment of the break, one webhook-id per event throughout.
import { closeDb, migratePostgres } from "@/lib/db";
import { resetConfigForTests } from "@/lib/config";
import { randomString } from "@/lib/ids";
import { generateSigningSecret } from "@/lib/webhooks/secrets";
import {
  allDeliveries,
  analyse,
  claimedBy,
  createEndpoints,
  deliveryStatusCounts,
  emitStream,
  killWorker,
  print,
  Promises,
  round,
  sleep,
  spawnWorker,
  startReceiverProcess,
  waitUntil,
  type WorkerProcess,
} from "./lib";

export const WORKER_CONCURRENCY = 32;

export interface Disruption {
  /** Fire when the receiver has seen this fraction of the events. */
  atFraction: number;
  /**
   * Break something; return what may legitimately arrive twice because of it: delivery ids,
   * and/or a time window (epoch ms) in which a delivery first reached the receiver.
   */
  run(ctx: { supervisor: WorkerSupervisor }): Promise<{ ids?: string[]; window?: [number, number] }>;
}

export interface StreamOptions {
  scenario: string;
  databaseUrl: string;
  events: number;
  endpoints: number;
  ratePerS: number;
  disruptions: Disruption[];
  deadlineMs: number;
}

/** Keeps one `npm run worker` process alive; kill() SIGKILLs it and starts the next. */
export class WorkerSupervisor {
  current!: WorkerProcess;
  unexpectedExits = 0;
  readonly exitReasons: string[] = [];
  private stopped = false;
  private replacing = false;

  constructor(
    private readonly env: Record<string, string>,
    private readonly accountIds: string[],
  ) {}

  async start() {
    this.current = await spawnWorker(this.env, this.accountIds);
    this.watch(this.current);
  }

  private watch(w: WorkerProcess) {
    void w.exited.then(async () => {
      if (this.stopped || this.replacing || w !== this.current) return;
      this.unexpectedExits++;
      this.exitReasons.push(w.errors.filter((l) => /Error|error/.test(l)).slice(-1)[0]?.slice(0, 160) ?? "no output");
      await this.replace();
    });
  }

  private async replace() {
    this.replacing = true;
    try {
      // The database may still be coming back: keep trying, but not for ever.
      for (let i = 0; i < 60 && !this.stopped; i++) {
        try {
          this.current = await spawnWorker(this.env, this.accountIds);
          this.watch(this.current);
          return;
        } catch {
          await sleep(500);
        }
      }
    } finally {
      this.replacing = false;
    }
  }

  /**
   * SIGKILL the worker — at a moment it has work claimed, so the kill lands mid-attempt — and
   * start the next one. Returns what it had claimed (and so may have sent without recording).
   */
  async kill(): Promise<{ ids: string[] }> {
    const victim = this.current;
    await waitUntil(async () => (await claimedBy(victim.workerId)).length > 0, 3000, 5);
    this.replacing = true;
    await killWorker(victim, "SIGKILL");
    const claimed = await claimedBy(victim.workerId);
    this.replacing = false;
    await this.replace();
    return { ids: claimed };
  }

  get errors(): number {
    return this.current?.errors.length ?? 0;
  }

  async stop() {
    this.stopped = true;
    const w = this.current;
    if (!w) return;
    w.child.kill("SIGTERM");
    const exited = await Promise.race([w.exited.then(() => true), sleep(25_000).then(() => false)]);
    if (!exited) await killWorker(w, "SIGKILL");
  }
}

export async function runStreamScenario(opts: StreamOptions): Promise<Promises> {
  const promises = new Promises();
  process.env.DATABASE_URL = opts.databaseUrl;
  process.env.WEBHOOK_ENGINE = "embedded";
  process.env.LOG_LEVEL ??= "error";
  resetConfigForTests();
  await migratePostgres(opts.databaseUrl);

  const secret = generateSigningSecret();
  const receiver = await startReceiverProcess(secret);
  const accountIds = await createEndpoints(opts.endpoints, receiver.url, secret);
  const supervisor = new WorkerSupervisor(
    {
      DATABASE_URL: opts.databaseUrl,
      WEBHOOK_ENGINE: "embedded",
      WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
      // Short retries; a 2 s timeout keeps the lease (timeout + 5 s) a dead worker leaves short.
      WEBHOOK_RETRY_DELAYS_MS: "100,200,400",
      WEBHOOK_TIMEOUT_MS: "2000",
    },
    accountIds,
  );
  const mayArriveTwice = new Set<string>();
  let emitErrors = 0;
  const t0 = performance.now();
  try {
    await supervisor.start();
    const prefix = randomString(8);
    const disrupted: Record<string, number | null>[] = [];
    const windows: [number, number][] = [];
    let emittedSoFar = 0;
    let monitorError: string | undefined;

    const monitor = (async () => {
      for (const d of opts.disruptions) {
        const target = Math.floor(d.atFraction * opts.events);
        await waitUntil(async () => (await receiver.count()) >= target, opts.deadlineMs, 50);
        const atReceived = await receiver.count();
        const emitted = emittedSoFar;
        const explained = await d.run({ supervisor });
        for (const id of explained.ids ?? []) mayArriveTwice.add(id);
        if (explained.window) windows.push(explained.window);
        disrupted.push({
          atReceived,
          emitted,
          claimed: explained.ids?.length ?? null,
          window_ms: explained.window ? explained.window[1] - explained.window[0] : null,
          seconds: round((performance.now() - t0) / 1000),
        });
      }
    })().catch((err: unknown) => {
      monitorError = err instanceof Error ? err.message : String(err);
    });
    const emitted = await emitStream({
      accountIds,
      total: opts.events,
      ratePerS: opts.ratePerS,
      prefix,
      onError: () => emitErrors++,
      maxAhead: 400,
      received: () => receiver.count(),
      onBatch: (n) => void (emittedSoFar = n),
    });
    await monitor;

    const done = await waitUntil(async () => {
      const counts = await deliveryStatusCounts(accountIds);
      return counts.succeeded + counts.failed >= opts.events && counts.pending === 0;
    }, opts.deadlineMs);
    const seconds = (performance.now() - t0) / 1000;
    await sleep(300); // answers on the wire reach the receiver's log
    const counts = await deliveryStatusCounts(accountIds);
    const rows = await allDeliveries(accountIds);
    const report = await receiver.report();
    const seen = analyse(report, new Set(rows.map((r) => r.id)));
    const firstSeen = new Map<string, number>();
    for (const [id, , , at] of report.rows) if (!firstSeen.has(id)) firstSeen.set(id, at);
    const inWindow = (id: string) => windows.some(([from, to]) => (firstSeen.get(id) ?? -1) >= from && (firstSeen.get(id) ?? -1) <= to);
    const duplicatesUnexplained = seen.duplicated.filter((id) => !mayArriveTwice.has(id) && !inWindow(id));

    print({
      scenario: opts.scenario,
      events: opts.events,
      endpoints: opts.endpoints,
      deliveries: rows.length,
      sent: rows.length,
      received: seen.received,
      unique: seen.unique,
      duplicates: seen.duplicates,
      duplicated_deliveries: seen.duplicated.length,
      claimed_at_disruptions: mayArriveTwice.size,
      duplicates_unexplained: duplicatesUnexplained.length,
      lost: seen.missing.length,
      succeeded: counts.succeeded,
      failed: counts.failed,
      pending: counts.pending,
      disruptions: disrupted,
      unexpected_worker_exits: supervisor.unexpectedExits,
      worker_exit_reasons: supervisor.exitReasons,
      emit_retries: emitted.retries,
      emit_errors: emitErrors,
      invalid_signatures: report.invalidSignatures,
      seconds: round(seconds),
      deliveries_per_s: round(rows.length / seconds),
    });

    promises.check(done, "every delivery finished before the deadline", counts);
    promises.check(rows.length === opts.events, "one delivery per event was written", { deliveries: rows.length, events: opts.events });
    promises.check(counts.succeeded === opts.events, "every delivery succeeded", counts);
    promises.check(seen.missing.length === 0, "the receiver saw every delivery", seen.missing.slice(0, 5));
    promises.check(seen.unknown.length === 0, "the receiver saw no webhook-id the database does not know", seen.unknown.slice(0, 5));
    promises.check(
      seen.eventsWithSeveralIds.length === 0,
      "each event always arrived with the same webhook-id",
      seen.eventsWithSeveralIds.slice(0, 5),
    );
    promises.check(
      duplicatesUnexplained.length === 0,
      "duplicates only for what was in flight at a disruption",
      duplicatesUnexplained.slice(0, 5),
    );
    promises.check(report.invalidSignatures === 0, "every request carried valid signatures (both schemes)", report.invalidSignatures);
    promises.check(monitorError === undefined, "every disruption ran without error", monitorError);
    promises.check(
      disrupted.length === opts.disruptions.length && disrupted.every((d) => (d.emitted ?? Infinity) < opts.events),
      "every disruption happened mid-stream (while events were still being emitted)",
      disrupted,
    );
    promises.check(supervisor.unexpectedExits === 0, "the worker never exited on its own", supervisor.exitReasons);
  } finally {
    await supervisor.stop();
    await receiver.close();
    await closeDb();
  }
  return promises;
}
