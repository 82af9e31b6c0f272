import "server-only";
import { and, asc, eq, inArray, isNull, lt, lte, notInArray, or, sql, type SQLWrapper } from "drizzle-orm";
import { getConfig } from "@/lib/config";
import { getDeliveryDb, getDeliveryDbHandle } from "@/lib/db";
import { deliveries, events, webhooks } from "@/lib/db/schema";
import { randomString } from "@/lib/ids";
import { log } from "@/lib/log";
import { leaseJoin, leaseMs, leasedColumns, processDelivery, type LeasedDelivery } from "./delivery";
import { notBehindInLine } from "./endpoint-options";
import { deliveryBus, DELIVERIES_CHANNEL, PROCESS_TAG } from "./engine";

// The embedded engine: claims due deliveries in batches and runs the state machine on them.
// Several processes can share one database: a claim is a lease (locked_by/locked_until) taken
// with FOR UPDATE SKIP LOCKED, and a crashed process's claims come back when its lease ends.
// It wakes at once on an in-process signal or a PostgreSQL NOTIFY; polling is only a fallback.
//
// Fair shares. Slots are shared among accounts: each account is guaranteed `perAccount` attempts
// in flight (and as many claimed to go next), whatever the others do. Past its share an account
// may only borrow slots nobody else is using: a borrowed attempt starts only while fewer than
// `concurrency` attempts are in flight, and is never waited for by an account within its share.
// So an account alone uses every slot, and a busy or hanging account with a backlog cannot make
// another account wait: a newcomer's attempts start at once, beside the borrowed ones (in flight
// overall: at most `concurrency` from accounts within their share plus what was borrowed, so
// under 2 × `concurrency`). Claims follow the same rule: first each account up to its share,
// round-robin over accounts by oldest due delivery (an account at its share is left out of that
// scan, so its backlog cannot hide the others'); only when no account within its share has due
// work are slots lent, again round-robin.

export interface DeliveryWorkerOptions {
  id?: string;
  /** Attempts in flight at once, across all endpoints. */
  concurrency?: number;
  /** Attempts in flight at once to one endpoint, so one receiver is not flooded. */
  perEndpoint?: number;
  /** Attempts in flight guaranteed to each account; past it an account only borrows idle slots. */
  perAccount?: number;
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

type ClaimMode = "share" | "lend";
type Claim = { delivery: LeasedDelivery; webhookId: string; accountId: string; claimedAt: number };

// A claim loads what the attempt needs; used as loaded if the attempt starts within this long,
// otherwise the state machine reloads it (the endpoint may have changed meanwhile).
const FRESH_CLAIM_MS = 1000;

export class DeliveryWorker {
  readonly id: string;
  private readonly concurrency: number;
  private readonly perEndpoint: number;
  private readonly perAccount: number;
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
  // Per account: attempts sending, and sending + claimed (its load); `withinShareSending` is the
  // sum over accounts of what they send within their share (each counted up to perAccount).
  private readonly sendingByAccount = new Map<string, number>();
  private readonly loadByAccount = new Map<string, number>();
  private withinShareSending = 0;
  // Slots are lent only once a claim round found no more work within anyone's share.
  private lending = false;
  // While accounts at their share keep it busy, the scan for others' work (which reads past their
  // backlog) runs when new work is signalled, and otherwise at most every IDLE_RECHECK_MS.
  private newWorkSignalled = true;
  private lastShareScanAt = 0;
  // Accounts at their share may have due work but no slot could be lent: a freed slot may change that.
  private lendingBlocked = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(opts: DeliveryWorkerOptions = {}) {
    this.id = opts.id ?? `worker_${randomString(10)}`;
    const defaults = opts.concurrency && opts.perEndpoint && opts.perAccount ? undefined : getConfig().concurrency;
    this.concurrency = opts.concurrency ?? defaults!.total;
    this.perEndpoint = opts.perEndpoint ?? defaults!.perEndpoint;
    this.perAccount = Math.min(opts.perAccount ?? defaults!.perAccount, this.concurrency);
    this.pollMs = opts.pollMs ?? 1000;
    this.claimLeaseMs = opts.claimLeaseMs;
    this.accountIds = opts.accountIds;
    this.stopTimeoutMs = opts.stopTimeoutMs ?? 20_000;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    deliveryBus.on("wake", this.onBusWake);
    const handle = await getDeliveryDbHandle();
    // A separate worker process hears about new deliveries through NOTIFY; our own process's
    // notifications are skipped, the in-process bus already delivered them.
    if (handle.driver === "postgres") {
      this.unlisten = await handle.listen(DELIVERIES_CHANNEL, (payload) => {
        if (payload !== PROCESS_TAG) this.kick();
      });
    }
    this.loopDone = this.loop();
    log.info("delivery worker started", {
      workerId: this.id,
      driver: handle.driver,
      concurrency: this.concurrency,
      perEndpoint: this.perEndpoint,
      perAccount: this.perAccount,
    });
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
    this.forgetQueued();
  }

  /** Look for due work now (new work may be there: the next claim scans within shares). */
  kick(): void {
    this.newWorkSignalled = true;
    this.kickForSlots();
  }

  /** Claim again because slots freed up (no new work was signalled). */
  private kickForSlots(): void {
    this.wakeRequested = true;
    this.wakeSleeper?.();
    if (!this.running) this.slotSleeper?.();
  }

  // Attempts waiting for their outcome to be written do not hold a slot, up to another
  // `concurrency` of them: past that a slow database slows claiming instead of piling them up.
  private get recordingBacklog(): number {
    return Math.max(0, this.inFlight.size - this.sending - this.concurrency);
  }

  /** Room to claim for accounts within their share (each account's load counted up to it). */
  private get shareRoom(): number {
    let within = 0;
    for (const load of this.loadByAccount.values()) within += Math.min(load, this.accountShare);
    return this.claimCapacity - within - this.recordingBacklog;
  }

  /** Room to claim past an account's share: what nobody's claims or attempts use. */
  private get lendableRoom(): number {
    return this.claimCapacity - this.sending - this.queuedCount - this.recordingBacklog;
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
      const free = this.shareRoom;
      if (free < this.minBatch) {
        await this.waitForSlot();
        continue;
      }
      this.wakeRequested = false;
      let more: boolean;
      try {
        more = await this.claimRound(free);
      } catch (err) {
        log.error("claiming deliveries failed", { workerId: this.id, err });
        await this.sleep(this.pollMs);
        continue;
      }
      // More may be due right now. A wake during the claim: look again.
      if (more || this.wakeRequested || !this.running) continue;
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

  // One account's guaranteed share of claims, as for endpoints: `perAccount` sending, as many next.
  private get accountShare() {
    return this.perAccount * 2;
  }

  /** Slots that may be lent to accounts past their share now (0: none, claim only within shares). */
  private lendable(): number {
    const room = this.lendableRoom;
    return room >= this.minBatch ? room : 0;
  }

  private atShare(accountId: string) {
    return (this.loadByAccount.get(accountId) ?? 0) >= this.accountShare;
  }

  /**
   * One round of claiming: within shares first; only when that finds nothing for anyone, lend
   * slots to accounts at their share. True when more may be claimable at once.
   */
  private async claimRound(free: number): Promise<boolean> {
    this.lendingBlocked = false;
    // Accounts at their share are left out of this scan; only they may need slots lent.
    const atShare = [...this.loadByAccount.keys()].filter((id) => this.atShare(id));
    const skipShareScan =
      atShare.length > 0 && !this.newWorkSignalled && Date.now() - this.lastShareScanAt < Math.min(IDLE_RECHECK_MS, this.pollMs);
    let within: Claim[] = [];
    if (!skipShareScan) {
      this.newWorkSignalled = false;
      this.lastShareScanAt = Date.now();
      within = await this.claimAndDispatch(free, "share", atShare);
    }
    // Someone within their share was waiting: no more lending until a round finds nobody.
    if (within.length > 0) this.lending = false;
    // A cap reached during the scan may have hidden other accounts' or endpoints' work behind it.
    const capReached = within.some((c) => this.atShare(c.accountId) || this.endpointLoad(c.webhookId) >= this.endpointShare);
    if (within.length === free || capReached) {
      this.newWorkSignalled = true; // the next round scans again, past what filled up
      return true;
    }
    // Everything due within shares is claimed; accounts past their share may borrow what is left.
    this.lending = true;
    this.pump();
    if (atShare.length === 0) return false;
    const lendable = this.lendable();
    this.lendingBlocked = lendable === 0;
    if (lendable === 0) return false;
    const lent = await this.claimAndDispatch(lendable, "lend");
    return lent.length === lendable;
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

  /** Accounts at their share, left out of a scan that only claims within shares. */
  private notAtShare(full = [...this.loadByAccount.keys()].filter((id) => this.atShare(id))) {
    return full.length > 0 ? notInArray(deliveries.accountId, full) : undefined;
  }

  /** How far an account may claim within its share (SQL, per row); lending: 0 for all. */
  private accountRoomOf(accountId: SQLWrapper, mode: ClaimMode) {
    if (mode === "lend") return sql`0::int`;
    if (this.loadByAccount.size === 0) return sql`${this.accountShare}::int`;
    const cases = [...this.loadByAccount].map(
      ([id, load]) => sql`when ${id} then ${Math.max(0, this.accountShare - load)}::int`,
    );
    return sql`case ${accountId} ${sql.join(cases, sql` `)} else ${this.accountShare}::int end`;
  }

  /** Our own claims still waiting to start: never claimed twice, even once their lease has run out. */
  private notQueued() {
    const ids = [...this.queued.values()].flat().map((c) => c.delivery.id);
    return ids.length > 0 ? notInArray(deliveries.id, ids) : undefined;
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
    // Work of accounts at their share counts only if a slot could be lent to it.
    const lendable = this.lendable();
    const db = await getDeliveryDb();
    const [row] = await db
      .select({
        next: sql<string | Date | null>`min(greatest(${deliveries.nextAttemptAt}, coalesce(${deliveries.lockedUntil}, ${deliveries.nextAttemptAt})))`,
      })
      .from(deliveries)
      .innerJoin(webhooks, eq(webhooks.id, deliveries.webhookId))
      .where(
        and(
          eq(deliveries.status, "pending"),
          eq(webhooks.enabled, true),
          notBehindInLine(),
          this.notFull(),
          lendable > 0 ? undefined : this.notAtShare(),
          this.notQueued(),
          this.scope(),
        ),
      );
    this.knownNextDue = row?.next ? new Date(row.next).getTime() : Infinity;
    const next = this.knownNextDue - Date.now();
    // Due but not claimable (row locked by another claim in progress): look again shortly.
    return Math.min(this.pollMs, Math.max(MIN_IDLE_MS, next));
  }

  private scope() {
    return this.accountIds ? inArray(deliveries.accountId, this.accountIds) : undefined;
  }

  /**
   * Claims up to `limit` due deliveries, round-robin over accounts by oldest due delivery: each
   * account's due deliveries are numbered oldest first and taken in order of that number, less
   * the room left in its share. "share": only accounts below their share, up to it; "lend": any
   * account, past its share.
   */
  private async claimAndDispatch(limit: number, mode: ClaimMode, atShare: string[] = []): Promise<Claim[]> {
    const db = await getDeliveryDb();
    const now = new Date();
    const claimable = and(
      eq(deliveries.status, "pending"),
      lte(deliveries.nextAttemptAt, now),
      or(isNull(deliveries.lockedUntil), lt(deliveries.lockedUntil, now)),
    );
    // The oldest due deliveries, a few batches' worth (an ordered scan of the due index) of
    // endpoints and accounts with room, numbered within their endpoint and kept up to its room…
    const oldest = db
      .select({
        id: deliveries.id,
        webhookId: deliveries.webhookId,
        accountId: deliveries.accountId,
        nextAttemptAt: deliveries.nextAttemptAt,
      })
      .from(deliveries)
      .innerJoin(webhooks, eq(webhooks.id, deliveries.webhookId))
      .where(
        and(
          claimable,
          eq(webhooks.enabled, true),
          // FIFO endpoints: only the first pending delivery of the line.
          notBehindInLine(),
          this.notFull(),
          mode === "share" ? this.notAtShare(atShare) : undefined,
          this.notQueued(),
          this.scope(),
        ),
      )
      .orderBy(asc(deliveries.nextAttemptAt))
      .limit(limit * 4)
      .as("oldest");
    const byEndpoint = db
      .select({
        id: oldest.id,
        webhookId: oldest.webhookId,
        accountId: oldest.accountId,
        nextAttemptAt: oldest.nextAttemptAt,
        rank: sql<number>`row_number() over (partition by ${oldest.webhookId} order by ${oldest.nextAttemptAt})`.as("rank"),
      })
      .from(oldest)
      .as("by_endpoint");
    const withinEndpointRoom = db
      .select({ id: byEndpoint.id, accountId: byEndpoint.accountId, nextAttemptAt: byEndpoint.nextAttemptAt })
      .from(byEndpoint)
      .where(sql`${byEndpoint.rank} <= ${this.roomOf(byEndpoint.webhookId)}`)
      .as("within_endpoint_room");
    // …then numbered within their account: `over` > 0 is past the account's share.
    const byAccount = db
      .select({
        id: withinEndpointRoom.id,
        nextAttemptAt: withinEndpointRoom.nextAttemptAt,
        over: sql<number>`row_number() over (partition by ${withinEndpointRoom.accountId} order by ${withinEndpointRoom.nextAttemptAt}) - ${this.accountRoomOf(withinEndpointRoom.accountId, mode)}`.as(
          "over",
        ),
      })
      .from(withinEndpointRoom)
      .as("by_account");
    const fair = db
      .select({
        id: byAccount.id,
        nextAttemptAt: byAccount.nextAttemptAt,
        over: byAccount.over,
        position: sql<number>`row_number() over (order by ${byAccount.over}, ${byAccount.nextAttemptAt})`.as("position"),
      })
      .from(byAccount)
      .as("fair");
    // The lease conditions again at the level that locks: a row another worker claimed
    // meanwhile is re-checked against them once its lock is released.
    const due = db
      .select({ id: deliveries.id })
      .from(deliveries)
      .innerJoin(fair, eq(fair.id, deliveries.id))
      .where(and(claimable, mode === "share" ? sql`${fair.over} <= 0` : undefined))
      .orderBy(asc(fair.position))
      .limit(limit)
      .for("update", { of: deliveries, skipLocked: true });
    const claimedAt = Date.now();
    const claims = await db
      .update(deliveries)
      .set({ lockedBy: this.id, lockedUntil: new Date(now.getTime() + (this.claimLeaseMs ?? leaseMs())) })
      .from(webhooks)
      .innerJoin(events, sql`true`)
      .where(and(inArray(deliveries.id, due), leaseJoin()))
      .returning(leasedColumns(now));
    const claimed = claims.map((delivery) => ({ delivery, webhookId: delivery.webhookId, accountId: delivery.accountId, claimedAt }));
    for (const claim of claimed) {
      const list = this.queued.get(claim.webhookId) ?? [];
      list.push(claim);
      this.queued.set(claim.webhookId, list);
      this.queuedCount++;
      bump(this.loadByAccount, claim.accountId, 1);
    }
    this.pump();
    return claimed;
  }

  /**
   * Start queued claims while there are slots: first every account's within its share, then
   * past it in slots nobody else uses; never more than `perEndpoint` to one endpoint.
   */
  private pump() {
    for (const lending of this.lending ? [false, true] : [false]) {
      for (const [webhookId, list] of this.queued) {
        while (list.length > 0 && this.mayStart(list[0]!, lending)) {
          const claim = list.shift()!;
          this.queuedCount--;
          this.run(claim);
        }
        if (list.length === 0) this.queued.delete(webhookId);
      }
    }
  }

  private mayStart(claim: Claim, lending: boolean): boolean {
    if ((this.sendingByEndpoint.get(claim.webhookId) ?? 0) >= this.perEndpoint) return false;
    if ((this.sendingByAccount.get(claim.accountId) ?? 0) < this.perAccount) return this.withinShareSending < this.concurrency;
    return lending && this.sending < this.concurrency;
  }

  private run(claim: Claim) {
    this.sending++;
    bump(this.sendingByEndpoint, claim.webhookId, 1);
    const withinShare = bump(this.sendingByAccount, claim.accountId, 1) <= this.perAccount;
    if (withinShare) this.withinShareSending++;
    let slotHeld = true;
    const freeSlot = () => {
      if (!slotHeld) return;
      slotHeld = false;
      this.sending--;
      bump(this.sendingByEndpoint, claim.webhookId, -1);
      // Whichever attempt ends, the account is back one under wherever it stood.
      if (bump(this.sendingByAccount, claim.accountId, -1) < this.perAccount) this.withinShareSending--;
      const accountLoad = bump(this.loadByAccount, claim.accountId, -1);
      if (!this.running) return;
      this.pump();
      this.slotSleeper?.();
      // Down to its last round of attempts: claim its next ones (it was left out while full).
      // Likewise when the last claim could lend no slot and now one can be lent.
      // And when the account drops below its share (it was left out of the scan for work within shares).
      if (
        this.endpointLoad(claim.webhookId) === this.perEndpoint ||
        accountLoad === this.accountShare - 1 ||
        (this.lendingBlocked && this.lendable() > 0)
      ) {
        this.kickForSlots();
      }
    };
    const fresh = Date.now() - claim.claimedAt < FRESH_CLAIM_MS;
    const task = processDelivery(claim.delivery.id, {
      owner: this.id,
      leased: fresh ? claim.delivery : undefined,
      onSent: freeSlot,
    })
      .then((result) => {
        if (result.status === "pending") this.wakeAt(Date.parse(result.nextAttemptAt));
        // Put back until its send slot (throttled endpoint).
        else if (result.status === "skipped" && result.nextAttemptAt) this.wakeAt(Date.parse(result.nextAttemptAt));
        // The head of a FIFO line is done: the next one is claimable now.
        else if (claim.delivery.fifo && result.status !== "skipped") this.kick();
      })
      .catch((err) => log.error("delivery attempt crashed", { workerId: this.id, deliveryId: claim.delivery.id, err }))
      .finally(() => {
        this.inFlight.delete(task);
        freeSlot();
        // Past the backlog limit (see recordingBacklog), a written outcome frees claiming too.
        if (!this.running) return;
        this.slotSleeper?.();
        if (this.lendingBlocked && this.lendable() > 0) this.kickForSlots();
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

  /** Drop the claims not started from the books (their leases are handed back or left to expire). */
  private forgetQueued(): string[] {
    const claims = [...this.queued.values()].flat();
    for (const c of claims) bump(this.loadByAccount, c.accountId, -1);
    this.queued.clear();
    this.queuedCount = 0;
    return claims.map((c) => c.delivery.id);
  }

  private async releaseQueued() {
    const ids = this.forgetQueued();
    if (ids.length === 0) return;
    const db = await getDeliveryDb();
    await db
      .update(deliveries)
      .set({ lockedBy: null, lockedUntil: null })
      .where(and(inArray(deliveries.id, ids), eq(deliveries.lockedBy, this.id)));
  }
}

/** Add `by` to a counter in a map, dropping it at 0; returns the new count. */
function bump(counts: Map<string, number>, key: string, by: number): number {
  const n = (counts.get(key) ?? 0) + by;
  if (n <= 0) counts.delete(key);
  else counts.set(key, n);
  return n;
}
