import "server-only";
import { and, asc, eq, inArray, isNull, lt, lte, notInArray, or, sql, type SQLWrapper } from "drizzle-orm";
import { getDb, getDbHandle } from "@/lib/db";
import { deliveries, events, webhooks } from "@/lib/db/schema";
import { randomString } from "@/lib/ids";
import { log } from "@/lib/log";
import { leaseJoin, leaseMs, leasedColumns, processDelivery, type LeasedDelivery } from "./delivery";
import { deliveryBus, DELIVERIES_CHANNEL, PROCESS_TAG } from "./engine";

// The embedded engine: claims due deliveries in batches and runs the state machine on them.
// Several processes can share one database: a claim is a lease (locked_by/locked_until) taken
// with FOR UPDATE SKIP LOCKED, and a crashed process's claims come back when its lease ends.
// It wakes at once on an in-process signal or a PostgreSQL NOTIFY; polling is only a fallback.

export interface DeliveryWorkerOptions {
  id?: string;
  /** Attempts in flight at once, across all endpoints. */
  concurrency?: number;
  /** Attempts in flight at once to one endpoint, so one receiver is not flooded. */
  perEndpoint?: number;
  /** Fallback poll interval when nothing signals new work. */
  pollMs?: number;
  /** How long a claim holds before another worker may take it over. */
  claimLeaseMs?: number;
  /** Only work for these accounts (tests sharing a database, sharding). */
  accountIds?: string[];
  /** How long stop() waits for attempts in flight. */
  stopTimeoutMs?: number;
}

const MIN_IDLE_MS = 10;
const IDLE_RECHECK_MS = 250;

type Claim = { delivery: LeasedDelivery; webhookId: string; claimedAt: number };

// A claim loads what the attempt needs; used as loaded if the attempt starts within this long,
// otherwise the state machine reloads it (the endpoint may have changed meanwhile).
const FRESH_CLAIM_MS = 1000;

export class DeliveryWorker {
  readonly id: string;
  private readonly concurrency: number;
  private readonly perEndpoint: number;
  private readonly pollMs: number;
  private readonly claimLeaseMs: number | undefined;
  private readonly accountIds: string[] | undefined;
  private readonly stopTimeoutMs: number;

  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wakeRequested = false;
  private wakeSleeper: (() => void) | null = null;
  private slotSleeper: (() => void) | null = null;
  private lastIdleCheck = 0;
  private knownNextDue = Infinity;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryTimerAt = Infinity;
  private unlisten: (() => Promise<void>) | null = null;
  private readonly onBusWake = () => this.kick();

  // Claimed but not started (waiting for an endpoint slot); sending (holding a slot); and every
  // attempt until its outcome is written (the slot is freed as soon as the HTTP call is over).
  private readonly queued = new Map<string, Claim[]>();
  private queuedCount = 0;
  private sending = 0;
  private readonly sendingByEndpoint = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(opts: DeliveryWorkerOptions = {}) {
    this.id = opts.id ?? `worker_${randomString(10)}`;
    this.concurrency = opts.concurrency ?? 32;
    this.perEndpoint = opts.perEndpoint ?? 4;
    this.pollMs = opts.pollMs ?? 1000;
    this.claimLeaseMs = opts.claimLeaseMs;
    this.accountIds = opts.accountIds;
    this.stopTimeoutMs = opts.stopTimeoutMs ?? 20_000;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    deliveryBus.on("wake", this.onBusWake);
    const handle = await getDbHandle();
    // A separate worker process hears about new deliveries through NOTIFY; our own process's
    // notifications are skipped, the in-process bus already delivered them.
    if (handle.driver === "postgres") {
      this.unlisten = await handle.listen(DELIVERIES_CHANNEL, (payload) => {
        if (payload !== PROCESS_TAG) this.kick();
      });
    }
    this.loopDone = this.loop();
    log.info("delivery worker started", { workerId: this.id, driver: handle.driver, concurrency: this.concurrency });
  }

  /** Stop claiming, let attempts in flight finish (bounded), and hand back claims not started. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.detach();
    this.kick();
    await this.loopDone;
    const drained = await Promise.race([
      Promise.all(this.inFlight).then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), this.stopTimeoutMs).unref()),
    ]);
    await this.releaseQueued();
    if (!drained) log.warn("delivery worker stopped with attempts still in flight", { workerId: this.id });
    log.info("delivery worker stopped", { workerId: this.id });
  }

  /**
   * Simulates a crash for tests: stop at once, keep every claim (they come back when the lease
   * ends). Attempts already on the wire still finish, as they would until the process died.
   */
  async crash(): Promise<void> {
    this.running = false;
    this.detach();
    this.kick();
    await this.loopDone;
    this.queued.clear();
    this.queuedCount = 0;
  }

  /** Look for due work now. */
  kick(): void {
    this.wakeRequested = true;
    this.wakeSleeper?.();
    if (!this.running) this.slotSleeper?.();
  }

  // Attempts waiting for their outcome to be written do not hold a slot, up to another
  // `concurrency` of them: past that a slow database slows claiming instead of piling them up.
  private get busy(): number {
    const recording = this.inFlight.size - this.sending;
    return this.sending + this.queuedCount + Math.max(0, recording - this.concurrency);
  }

  private detach() {
    deliveryBus.off("wake", this.onBusWake);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const unlisten = this.unlisten;
    this.unlisten = null;
    unlisten?.().catch((err) => log.warn("unlisten failed", { err }));
  }

  private async loop(): Promise<void> {
    while (this.running) {
      // Claim in batches: when nearly full, wait for slots rather than claim one at a time.
      if (this.claimCapacity - this.busy < this.minBatch) {
        await this.waitForSlot();
        continue;
      }
      this.wakeRequested = false;
      const free = this.claimCapacity - this.busy;
      let claimed: number;
      try {
        claimed = await this.claimAndDispatch(free);
      } catch (err) {
        log.error("claiming deliveries failed", { workerId: this.id, err });
        await this.sleep(this.pollMs);
        continue;
      }
      // A full batch: more may be due right now. A wake during the claim: look again.
      if (claimed === free || this.wakeRequested || !this.running) continue;
      await this.sleep(await this.idleWaitMs());
    }
  }

  // Claims run ahead of the free slots by up to another `concurrency`, so an attempt starts the
  // moment a slot frees instead of after the next claim's round trip.
  private get claimCapacity() {
    return this.concurrency * 2;
  }

  // One endpoint's share of this worker: `perEndpoint` attempts sending and as many claimed to go
  // next. Past that its due deliveries are left for later (or another worker), so one slow
  // endpoint with a backlog cannot fill the worker and hold up every other endpoint.
  private get endpointShare() {
    return this.perEndpoint * 2;
  }

  private endpointLoad(webhookId: string) {
    return (this.sendingByEndpoint.get(webhookId) ?? 0) + (this.queued.get(webhookId)?.length ?? 0);
  }

  /** Endpoints with attempts sending or claimed in this worker. */
  private busyEndpoints(): string[] {
    return [...new Set([...this.sendingByEndpoint.keys(), ...this.queued.keys()])];
  }

  /** Endpoints at their share: not claimed for until an attempt of theirs ends. */
  private notFull() {
    const full = this.busyEndpoints().filter((id) => this.endpointLoad(id) >= this.endpointShare);
    return full.length > 0 ? notInArray(deliveries.webhookId, full) : undefined;
  }

  /** How many more deliveries of an endpoint this worker may take now (SQL, per row). */
  private roomOf(webhookId: SQLWrapper) {
    const busy = this.busyEndpoints();
    if (busy.length === 0) return sql`${this.endpointShare}::int`;
    const cases = busy.map((id) => sql`when ${id} then ${Math.max(0, this.endpointShare - this.endpointLoad(id))}::int`);
    return sql`case ${webhookId} ${sql.join(cases, sql` `)} else ${this.endpointShare}::int end`;
  }

  private get minBatch() {
    return Math.max(1, Math.floor(this.concurrency / 4));
  }

  /** Sleep until kicked or `ms` passes. */
  private sleep(ms: number): Promise<void> {
    if (this.wakeRequested || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wakeSleeper?.(), ms);
      this.wakeSleeper = () => {
        this.wakeSleeper = null;
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Sleep until an attempt finishes (or we are stopped). */
  private waitForSlot(): Promise<void> {
    return new Promise((resolve) => {
      this.slotSleeper = () => {
        this.slotSleeper = null;
        resolve();
      };
    });
  }

  /**
   * Until the earliest moment something could be claimable (a scheduled retry, or another
   * worker's lease running out), but no longer than the poll interval.
   */
  private async idleWaitMs(): Promise<number> {
    // Our own retries and new events wake us directly; this query only finds work scheduled by
    // other processes, so under a steady stream of wake-ups it need not run every time.
    const recheck = Math.min(IDLE_RECHECK_MS, this.pollMs);
    const sinceCheck = Date.now() - this.lastIdleCheck;
    if (sinceCheck < recheck) {
      const untilDue = this.knownNextDue - Date.now();
      // A known future due time, else (it was claimed meanwhile) wait for the next check.
      return Math.max(MIN_IDLE_MS, untilDue > 0 ? Math.min(untilDue, recheck - sinceCheck) : recheck - sinceCheck);
    }
    this.lastIdleCheck = Date.now();
    const db = await getDb();
    const [row] = await db
      .select({
        next: sql<string | Date | null>`min(greatest(${deliveries.nextAttemptAt}, coalesce(${deliveries.lockedUntil}, ${deliveries.nextAttemptAt})))`,
      })
      .from(deliveries)
      .innerJoin(webhooks, eq(webhooks.id, deliveries.webhookId))
      .where(and(eq(deliveries.status, "pending"), eq(webhooks.enabled, true), this.notFull(), this.scope()));
    this.knownNextDue = row?.next ? new Date(row.next).getTime() : Infinity;
    const next = this.knownNextDue - Date.now();
    // Due but not claimable (row locked by another claim in progress): look again shortly.
    return Math.min(this.pollMs, Math.max(MIN_IDLE_MS, next));
  }

  private scope() {
    return this.accountIds ? inArray(deliveries.accountId, this.accountIds) : undefined;
  }

  private async claimAndDispatch(limit: number): Promise<number> {
    const db = await getDb();
    const now = new Date();
    const claimable = and(
      eq(deliveries.status, "pending"),
      lte(deliveries.nextAttemptAt, now),
      or(isNull(deliveries.lockedUntil), lt(deliveries.lockedUntil, now)),
    );
    // The oldest due deliveries, a few batches' worth (an ordered scan of the due index), numbered
    // within their endpoint, and kept up to each endpoint's room in this worker.
    const oldest = db
      .select({ id: deliveries.id, webhookId: deliveries.webhookId, nextAttemptAt: deliveries.nextAttemptAt })
      .from(deliveries)
      .innerJoin(webhooks, eq(webhooks.id, deliveries.webhookId))
      .where(and(claimable, eq(webhooks.enabled, true), this.notFull(), this.scope()))
      .orderBy(asc(deliveries.nextAttemptAt))
      .limit(limit * 4)
      .as("oldest");
    const ranked = db
      .select({
        id: oldest.id,
        webhookId: oldest.webhookId,
        rank: sql<number>`row_number() over (partition by ${oldest.webhookId} order by ${oldest.nextAttemptAt})`.as("rank"),
      })
      .from(oldest)
      .as("ranked");
    const withinRoom = db.select({ id: ranked.id }).from(ranked).where(sql`${ranked.rank} <= ${this.roomOf(ranked.webhookId)}`);
    // The lease conditions again at the level that locks: a row another worker claimed
    // meanwhile is re-checked against them once its lock is released.
    const due = db
      .select({ id: deliveries.id })
      .from(deliveries)
      .where(and(inArray(deliveries.id, withinRoom), claimable))
      .orderBy(asc(deliveries.nextAttemptAt))
      .limit(limit)
      .for("update", { skipLocked: true });
    const claimedAt = Date.now();
    const claims = await db
      .update(deliveries)
      .set({ lockedBy: this.id, lockedUntil: new Date(now.getTime() + (this.claimLeaseMs ?? leaseMs())) })
      .from(webhooks)
      .innerJoin(events, sql`true`)
      .where(and(inArray(deliveries.id, due), leaseJoin()))
      .returning(leasedColumns(now));
    for (const delivery of claims) {
      const list = this.queued.get(delivery.webhookId) ?? [];
      list.push({ delivery, webhookId: delivery.webhookId, claimedAt });
      this.queued.set(delivery.webhookId, list);
      this.queuedCount++;
    }
    this.pump();
    return claims.length;
  }

  /** Start queued claims while there are free slots overall and per endpoint. */
  private pump() {
    for (const [webhookId, list] of this.queued) {
      while (list.length > 0 && this.sending < this.concurrency) {
        if ((this.sendingByEndpoint.get(webhookId) ?? 0) >= this.perEndpoint) break;
        const claim = list.shift()!;
        this.queuedCount--;
        this.run(claim);
      }
      if (list.length === 0) this.queued.delete(webhookId);
    }
  }

  private run(claim: Claim) {
    this.sending++;
    this.sendingByEndpoint.set(claim.webhookId, (this.sendingByEndpoint.get(claim.webhookId) ?? 0) + 1);
    let slotHeld = true;
    const freeSlot = () => {
      if (!slotHeld) return;
      slotHeld = false;
      this.sending--;
      const n = (this.sendingByEndpoint.get(claim.webhookId) ?? 1) - 1;
      if (n === 0) this.sendingByEndpoint.delete(claim.webhookId);
      else this.sendingByEndpoint.set(claim.webhookId, n);
      if (!this.running) return;
      this.pump();
      this.slotSleeper?.();
      // Down to its last round of attempts: claim its next ones (it was left out while full).
      if (this.endpointLoad(claim.webhookId) === this.perEndpoint) this.kick();
    };
    const fresh = Date.now() - claim.claimedAt < FRESH_CLAIM_MS;
    const task = processDelivery(claim.delivery.id, {
      owner: this.id,
      leased: fresh ? claim.delivery : undefined,
      onSent: freeSlot,
    })
      .then((result) => {
        if (result.status === "pending") this.wakeAt(Date.parse(result.nextAttemptAt));
      })
      .catch((err) => log.error("delivery attempt crashed", { workerId: this.id, deliveryId: claim.delivery.id, err }))
      .finally(() => {
        this.inFlight.delete(task);
        freeSlot();
        // Past the backlog limit (see busy), a written outcome frees claiming too.
        if (this.running) this.slotSleeper?.();
      });
    this.inFlight.add(task);
  }

  /** Wake the loop when a retry we scheduled becomes due. */
  private wakeAt(at: number) {
    if (!this.running || at >= this.retryTimerAt) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimerAt = at;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.retryTimerAt = Infinity;
      this.kick();
    }, Math.max(0, at - Date.now()));
    this.retryTimer.unref();
  }

  private async releaseQueued() {
    const ids = [...this.queued.values()].flat().map((c) => c.delivery.id);
    this.queued.clear();
    this.queuedCount = 0;
    if (ids.length === 0) return;
    const db = await getDb();
    await db
      .update(deliveries)
      .set({ lockedBy: null, lockedUntil: null })
      .where(and(inArray(deliveries.id, ids), eq(deliveries.lockedBy, this.id)));
  }
}
