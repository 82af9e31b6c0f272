import "server-only";
import { and, eq, isNull, lt, lte, ne, or, sql, type SQL } from "drizzle-orm";
import { getConfig } from "@/lib/config";
import { getDeliveryDb, type Db, type Queryable } from "@/lib/db";
import { deliveries, events, webhooks, webhookSecrets } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { log } from "@/lib/log";
import { recordAttempt } from "./attempt-recorder";
import { endpointOutcomeKind } from "./endpoint-policy";
import { noticesSettled } from "./notices";
import {
  backOfTheLine,
  decryptHeaders,
  deferForRate,
  maskHeaders,
  notBehindInLine,
  takeSendTurn,
  THROTTLE_LATE_MS,
  type StoredHeaders,
} from "./endpoint-options";
import { failure, type Described, type FailureCause } from "./failure-causes";
import { decideNextStep } from "./retry-policy";
import { sendWebhook, type SendResult } from "./send";
import { decryptSecret } from "./secrets";
import { buildDeliveryHeaders, MAX_SIGNING_SECRETS } from "./signing";

// THE delivery state machine: the one place that changes a delivery's status, and that hands
// each finished delivery to the endpoint rule. The embedded worker and the Inngest function only
// decide WHEN to call processDelivery; both call this same code. The decisions themselves are
// pure: retry-policy.ts for the delivery, endpoint-policy.ts for its endpoint (failing since,
// disabling after WEBHOOK_DISABLE_AFTER, the notices due); attempt-recorder.ts writes them.
//
//   pending --2xx--> succeeded                          (a failing endpoint recovers)
//   pending --failure, budget left--> pending (next_attempt_at = now + backoff/Retry-After)
//   pending --failure, budget spent--> failed           (the endpoint is failing; disabled after the window)
//   pending --410 Gone--> failed                        (endpoint disabled at once)
//   failed|succeeded --replay / retry-failed--> pending (fresh budget)        requeueDeliveries
//   pending, endpoint disabled --discard on re-enable--> failed              discardHeldDeliveries
//
// Two callers can race for one delivery (two workers, a duplicate Inngest event). Each attempt
// first takes the delivery's lease; the bookkeeping then only commits if the lease is still
// ours and attempt_count has not moved, so the same attempt is never recorded twice.
// Per attempt: the lease+load (the embedded worker does it per claimed batch) and the bookkeeping,
// which attempt-recorder.ts writes together with others finishing at the same time; none of it
// while the HTTP call runs.

export type ProcessResult =
  | { status: "succeeded" | "failed"; attemptNumber: number }
  | { status: "pending"; attemptNumber: number; nextAttemptAt: string }
  /** Nothing was sent: see `reason`. `nextAttemptAt` tells a caller when to look again. */
  | { status: "skipped"; reason: SkipReason; nextAttemptAt?: string };

export type SkipReason =
  | "not_found"
  | "not_pending"
  | "webhook_disabled"
  | "not_due"
  | "leased"
  | "lost_race"
  /** Throttled endpoint: put back, due at the send slot it holds (`nextAttemptAt`). */
  | "throttled"
  /** FIFO endpoint: an earlier delivery to it is still pending; look again at `nextAttemptAt`. */
  | "behind_earlier";

export interface ProcessOptions {
  /** Who works on it: the embedded worker's id, or `inngest:<runId>`. */
  owner: string;
  /**
   * The delivery as the caller's claim just loaded it under `owner`'s lease (the embedded
   * worker claims and loads in one statement), saving a round trip. Without it the lease is
   * taken here.
   */
  leased?: LeasedDelivery;
  /** Called when the HTTP attempt is over, before its outcome is written (the worker frees the slot). */
  onSent?: () => void;
  now?: () => Date;
}

// The lease must outlast one attempt (the timeout) plus the bookkeeping around it.
export function leaseMs(): number {
  return getConfig().timeoutMs + 5_000;
}

export async function processDelivery(deliveryId: string, opts: ProcessOptions): Promise<ProcessResult> {
  const db = await getDeliveryDb();
  const now = opts.now ?? (() => new Date());
  const config = getConfig();

  // One round trip: take the lease and load everything the attempt needs.
  const delivery = opts.leased ?? (await takeLease(db, deliveryId, opts.owner, now()));
  if (!delivery) return explainSkip(db, deliveryId, now());

  // Options, consulted only for endpoints that use them: the rate (waits for its turn to send).
  if (delivery.rateLimitPerSecond !== null) {
    const deferred = await awaitSendTurn(db, delivery, opts.owner, now());
    if (deferred) return deferred;
  }

  const attemptNumber = delivery.attemptCount + 1;
  const secrets = readSecrets(delivery);
  const customHeaders = readCustomHeaders(delivery);
  const headers = buildDeliveryHeaders({
    deliveryId: delivery.id,
    eventType: delivery.eventType,
    attemptNumber,
    body: delivery.body,
    secrets: secrets ?? [],
  });
  // An unreadable secret is an operator problem (WEBHOOK_SECRET_KEY changed): record it as a
  // failed attempt that sent nothing, visible in the log, instead of crashing on every claim.
  const result = !secrets
    ? unsentAttempt(now(), UNREADABLE_SECRET)
    : !customHeaders
      ? unsentAttempt(now(), UNREADABLE_HEADERS)
      : await sendWebhook({ url: delivery.url, headers, extraHeaders: customHeaders, body: delivery.body, timeoutMs: config.timeoutMs });
  opts.onSent?.();

  const next = decideNextStep({
    statusCode: result.statusCode,
    retryAfter: result.retryAfter,
    attemptsInBudget: attemptNumber - delivery.budgetStart,
    retryDelaysMs: config.retryDelaysMs,
    maxRetryAfterMs: config.maxRetryAfterMs,
    now: now(),
  });
  const finishedAt = now();
  const nextAttemptAt = next.kind === "retry" ? new Date(finishedAt.getTime() + next.delayMs) : null;

  // The log shows which custom headers went out, never their values.
  const attempt = attemptRow(attemptNumber, result, delivery.customHeaders ? { ...maskHeaders(delivery.customHeaders), ...headers } : headers);
  const recorded = await recordAttempt(
    {
      deliveryId: delivery.id,
      accountId: delivery.accountId,
      webhookId: delivery.webhookId,
      owner: opts.owner,
      expectedCount: delivery.attemptCount,
      status: next.kind === "retry" ? "pending" : next.kind,
      nextAttemptAt,
      finishedAt,
      endpoint: endpointOutcomeKind(next),
      policy: { disableAfterMs: config.disableAfterMs },
      attempt,
    },
    // About as long as the lease: after that the delivery may be sent again anyway.
    leaseMs(),
  );

  // An Inngest step may be frozen once it returns: send the notices this outcome caused first
  // (never throws; a failed mail stays due for the check-endpoint-health sweep).
  if (config.engine === "inngest") await noticesSettled();
  if (!recorded) {
    // Someone else recorded this attempt number first (our lease had expired and was taken).
    log.warn("delivery attempt not recorded: lease lost", { deliveryId, owner: opts.owner, attemptNumber });
    return { status: "skipped", reason: "lost_race" };
  }
  if (next.kind === "retry") return { status: "pending", attemptNumber, nextAttemptAt: nextAttemptAt!.toISOString() };
  return { status: next.kind, attemptNumber };
}

const UNREADABLE_SECRET = failure("secret_unreadable", {});

const UNREADABLE_HEADERS = failure("headers_unreadable", {});

function readCustomHeaders(delivery: LeasedDelivery): Record<string, string> | null {
  if (!delivery.customHeaders) return {};
  try {
    return decryptHeaders(delivery.customHeaders);
  } catch (err) {
    log.error("custom header values could not be decrypted", { deliveryId: delivery.id, err });
    return null;
  }
}

/**
 * A throttled endpoint's turn (endpoint-options.ts): a turn within THROTTLE_MAX_WAIT_MS is waited
 * for here; otherwise the delivery is put back, due about when its turn comes. A turn missed by
 * more than THROTTLE_LATE_MS (a busy process woke late) is given up for a fresh one, so a late
 * send cannot crowd the next ones. Null: send now.
 */
async function awaitSendTurn(db: Db, delivery: LeasedDelivery, owner: string, now: Date): Promise<ProcessResult | null> {
  const rate = delivery.rateLimitPerSecond!;
  // A few fresh turns at most: a process this late on every one of them sends anyway, rather
  // than never (the rate then holds only as well as the process keeps time).
  for (let tries = 1, at = now; ; tries++, at = new Date()) {
    const turn = await takeSendTurn(db, delivery.webhookId, rate, at);
    if (!turn) {
      const dueAt = await deferForRate(db, delivery, owner, rate, at);
      if (!dueAt) return { status: "skipped", reason: "lost_race" };
      return { status: "skipped", reason: "throttled", nextAttemptAt: dueAt.toISOString() };
    }
    // +1: a timer may fire within the millisecond before; the turn is a lower bound.
    const waitMs = turn.getTime() - Date.now() + 1;
    if (waitMs > 1) await new Promise((resolve) => setTimeout(resolve, waitMs));
    if (Date.now() - turn.getTime() <= THROTTLE_LATE_MS || tries >= 3) return null;
  }
}

function readSecrets(delivery: LeasedDelivery): string[] | null {
  try {
    return delivery.secrets.map(decryptSecret);
  } catch (err) {
    log.error("signing secret could not be decrypted", { deliveryId: delivery.id, err });
    return null;
  }
}

function unsentAttempt(at: Date, { cause, text }: Described<FailureCause>): SendResult {
  return { startedAt: at, durationMs: 0, statusCode: null, error: text, errorCause: cause, responseBodyExcerpt: null, retryAfter: null };
}

function attemptRow(number: number, r: SendResult, requestHeaders: Record<string, string>) {
  return {
    id: newId("attempt"),
    number,
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    statusCode: r.statusCode,
    error: r.error,
    errorCause: r.errorCause,
    responseBodyExcerpt: r.responseBodyExcerpt,
    requestHeaders,
  };
}

/**
 * Take (or renew) the lease of a due pending delivery of an enabled endpoint, and load what the
 * attempt needs (URL, body, valid secrets newest first); null when it is not ours to send now.
 * By id alone: the engine works for every tenant, and learns the account from this row.
 */
async function takeLease(db: Db, deliveryId: string, owner: string, now: Date): Promise<LeasedDelivery | null> {
  const rows = await db
    .update(deliveries)
    .set({ lockedBy: owner, lockedUntil: new Date(now.getTime() + leaseMs()) })
    .from(webhooks)
    // The join conditions live in WHERE: an UPDATE's joins may not refer to the updated table.
    .innerJoin(events, sql`true`)
    .where(
      and(
        eq(deliveries.id, deliveryId),
        leaseJoin(),
        eq(deliveries.status, "pending"),
        lte(deliveries.nextAttemptAt, now),
        or(isNull(deliveries.lockedUntil), lt(deliveries.lockedUntil, now), eq(deliveries.lockedBy, owner)),
        notBehindInLine(),
      ),
    )
    .returning(leasedColumns(now));
  return rows[0] ?? null;
}

/** Joins an UPDATE of `deliveries` FROM webhooks, events must carry (see takeLease). */
export function leaseJoin() {
  return and(
    eq(events.id, deliveries.eventId),
    eq(webhooks.id, deliveries.webhookId),
    eq(webhooks.accountId, deliveries.accountId),
    eq(webhooks.enabled, true),
  );
}

/** What an attempt needs, returned by the statement that takes the lease. */
export function leasedColumns(now: Date) {
  return {
    id: deliveries.id,
    accountId: deliveries.accountId,
    webhookId: deliveries.webhookId,
    eventType: deliveries.eventType,
    attemptCount: deliveries.attemptCount,
    budgetStart: deliveries.budgetStart,
    url: webhooks.url,
    body: events.body,
    // Endpoint options (null/false when unused).
    customHeaders: webhooks.customHeaders,
    rateLimitPerSecond: webhooks.rateLimitPerSecond,
    fifo: webhooks.fifo,
    // Valid secrets, newest first: the current one and the one still in a rotation grace period.
    // Rotation ends older ones, so two is the documented most; the limit keeps the promise even
    // if rows say otherwise (a receiver's header parser may not expect a third signature).
    secrets: sql<string[]>`array(
      select ${webhookSecrets.ciphertext} from ${webhookSecrets}
      where ${webhookSecrets.webhookId} = ${webhooks.id}
        and (${webhookSecrets.expiresAt} is null or ${webhookSecrets.expiresAt} > ${now.toISOString()}::timestamptz)
      order by ${webhookSecrets.createdAt} desc, ${webhookSecrets.id} desc
      limit ${MAX_SIGNING_SECRETS})`,
  };
}

export type LeasedDelivery = {
  id: string;
  accountId: string;
  webhookId: string;
  eventType: string;
  attemptCount: number;
  budgetStart: number;
  url: string;
  body: string;
  secrets: string[];
  customHeaders: StoredHeaders;
  rateLimitPerSecond: number | null;
  fifo: boolean;
};

// How often a delivery behind an earlier one in a FIFO line looks again (the Inngest engine; the
// embedded worker claims the next one as soon as the one ahead ends).
export const FIFO_RECHECK_MS = 1000;

async function explainSkip(db: Db, deliveryId: string, now: Date): Promise<ProcessResult> {
  const [d] = await db
    .select({
      status: deliveries.status,
      nextAttemptAt: deliveries.nextAttemptAt,
      lockedUntil: deliveries.lockedUntil,
      enabled: webhooks.enabled,
      // FIFO: when the earliest of the pending deliveries ahead of it is next due (null: none ahead).
      aheadDueAt: sql<string | null>`case when ${webhooks.fifo} then (
        select min(earlier.next_attempt_at) from deliveries earlier
        where earlier.webhook_id = ${deliveries.webhookId} and earlier.status = 'pending'
          and earlier.queue_position < ${deliveries.queuePosition}) end`,
    })
    .from(deliveries)
    .innerJoin(webhooks, eq(webhooks.id, deliveries.webhookId))
    .where(eq(deliveries.id, deliveryId))
    .limit(1);
  if (!d) return { status: "skipped", reason: "not_found" };
  if (d.status !== "pending") return { status: "skipped", reason: "not_pending" };
  // An endpoint disabled while the delivery waited: it is held, unsent, until re-enabled.
  if (!d.enabled) return { status: "skipped", reason: "webhook_disabled" };
  if (d.nextAttemptAt && d.nextAttemptAt > now) {
    return { status: "skipped", reason: "not_due", nextAttemptAt: d.nextAttemptAt.toISOString() };
  }
  if (d.aheadDueAt !== null) {
    // Look again when the one ahead is next tried, and at least every FIFO_RECHECK_MS.
    const ahead = new Date(d.aheadDueAt).getTime();
    const at = Math.max(ahead, now.getTime() + FIFO_RECHECK_MS);
    return { status: "skipped", reason: "behind_earlier", nextAttemptAt: new Date(at).toISOString() };
  }
  return { status: "skipped", reason: "leased", nextAttemptAt: d.lockedUntil?.toISOString() };
}

// --- Status changes asked for by the owner ------------------------------------------------------

/**
 * Back to pending with a fresh budget of attempts, due now (replay, retry-failed): earlier
 * attempts stay and numbers continue (budget_start = attempt_count); the id, and so the
 * webhook-id header, stay the same. Only finished deliveries move: a pending one is on its way.
 * `where` must name the account. Returns the ids requeued; the caller wakes the engine.
 */
export async function requeueDeliveries(db: Queryable, where: SQL): Promise<string[]> {
  const now = new Date();
  // New places at the back of their lines, taken in their old order (a FIFO endpoint's retried
  // deliveries keep their event order among themselves).
  const finished = db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(and(where, ne(deliveries.status, "pending")))
    .orderBy(deliveries.queuePosition)
    .as("finished");
  const line = db
    .select({ id: finished.id, position: sql<number>`${backOfTheLine}`.as("position") })
    .from(finished)
    .as("line");
  const rows = await db
    .update(deliveries)
    .set({
      status: "pending",
      budgetStart: sql`${deliveries.attemptCount}`,
      nextAttemptAt: now,
      lockedBy: null,
      lockedUntil: null,
      completedAt: null,
      lastError: null,
      lastErrorCause: null,
      // To the back of its endpoint's line (FIFO: after what is queued); no send slot held.
      queuePosition: sql`${line.position}`,
      throttledUntil: null,
      updatedAt: now,
    })
    .from(line)
    .where(and(eq(deliveries.id, line.id), ne(deliveries.status, "pending")))
    .returning({ id: deliveries.id });
  return rows.map((r) => r.id);
}

const DISCARDED_HELD = failure("discarded_held", {});
export const DISCARDED_HELD_ERROR = DISCARDED_HELD.text;

/** The deliveries held while an endpoint was disabled end failed, unsent, with that reason. */
export async function discardHeldDeliveries(tx: Queryable, accountId: string, webhookId: string): Promise<void> {
  const now = new Date();
  await tx
    .update(deliveries)
    .set({
      status: "failed",
      lastError: DISCARDED_HELD.text,
      lastErrorCause: DISCARDED_HELD.cause,
      nextAttemptAt: null,
      lockedBy: null,
      lockedUntil: null,
      completedAt: now,
      updatedAt: now,
    })
    .where(heldOf(accountId, webhookId));
}

/**
 * The deliveries held while an endpoint was disabled: they stay pending and due, so enabling
 * the endpoint releases them as they are; the caller wakes the engine with these ids.
 */
export async function heldDeliveryIds(tx: Queryable, accountId: string, webhookId: string): Promise<string[]> {
  const rows = await tx.select({ id: deliveries.id }).from(deliveries).where(heldOf(accountId, webhookId));
  return rows.map((r) => r.id);
}

export function heldOf(accountId: string, webhookId: string) {
  return and(eq(deliveries.accountId, accountId), eq(deliveries.webhookId, webhookId), eq(deliveries.status, "pending"));
}
