import { and, eq, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
import { getConfig } from "@/lib/config";
import { getDb, type Db } from "@/lib/db";
import { deliveries, deliveryAttempts, events, webhooks } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { log } from "@/lib/log";
import { decideNextStep } from "./retry-policy";
import { sendWebhook, type SendResult } from "./send";
import { buildDeliveryHeaders, loadSigningSecrets } from "./signing";

// THE delivery state machine: the one place that decides what an attempt's outcome does to a
// delivery and its endpoint. The embedded worker and the Inngest function only decide WHEN to
// call processDelivery; both call this same code.
//
//   pending --2xx--> succeeded                          (endpoint's failure streak reset)
//   pending --failure, budget left--> pending (next_attempt_at = now + backoff/Retry-After)
//   pending --failure, budget spent--> failed           (streak + 1; endpoint disabled at the limit)
//   pending --410 Gone--> failed                        (endpoint disabled at once)
//
// Two callers can race for one delivery (two workers, a duplicate Inngest event). Each attempt
// first takes the delivery's lease; the bookkeeping then only commits if the lease is still
// ours and attempt_count has not moved, so the same attempt is never recorded twice.

export type ProcessResult =
  | { status: "succeeded" | "failed"; attemptNumber: number }
  | { status: "pending"; attemptNumber: number; nextAttemptAt: string }
  /** Nothing was sent: see `reason`. `nextAttemptAt` tells a caller when to look again. */
  | { status: "skipped"; reason: SkipReason; nextAttemptAt?: string };

export type SkipReason = "not_found" | "not_pending" | "webhook_disabled" | "not_due" | "leased" | "lost_race";

export interface ProcessOptions {
  /** Who works on it: the embedded worker's id, or `inngest:<runId>`. */
  owner: string;
  now?: () => Date;
}

// The lease must outlast one attempt (the timeout) plus the bookkeeping around it.
export function leaseMs(): number {
  return getConfig().timeoutMs + 5_000;
}

export async function processDelivery(deliveryId: string, opts: ProcessOptions): Promise<ProcessResult> {
  const db = await getDb();
  const now = opts.now ?? (() => new Date());
  const config = getConfig();

  const leased = await takeLease(db, deliveryId, opts.owner, now());
  if (!leased) return explainSkip(db, deliveryId, now());

  const loaded = await db
    .select({ delivery: deliveries, webhook: webhooks, body: events.body })
    .from(deliveries)
    .innerJoin(webhooks, and(eq(webhooks.id, deliveries.webhookId), eq(webhooks.accountId, deliveries.accountId)))
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .where(and(eq(deliveries.id, deliveryId), eq(deliveries.accountId, leased.accountId)))
    .limit(1);
  const row = loaded[0];
  if (!row) return { status: "skipped", reason: "not_found" };
  const { delivery, webhook } = row;
  // An endpoint disabled while the delivery waited: hold it, unsent, until it is enabled again.
  if (!webhook.enabled) {
    await releaseLease(db, delivery.id, delivery.accountId, opts.owner);
    return { status: "skipped", reason: "webhook_disabled" };
  }

  const attemptNumber = delivery.attemptCount + 1;
  const headers = buildDeliveryHeaders({
    deliveryId: delivery.id,
    eventType: delivery.eventType,
    attemptNumber,
    body: row.body,
    secrets: await loadSigningSecrets(db, webhook.id, now()),
  });
  const result = await sendWebhook({ url: webhook.url, headers, body: row.body, timeoutMs: config.timeoutMs });

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

  const recorded = await db.transaction(async (tx) => {
    const updated = await tx
      .update(deliveries)
      .set({
        status: next.kind === "retry" ? "pending" : next.kind,
        attemptCount: attemptNumber,
        lastStatusCode: result.statusCode,
        nextAttemptAt,
        completedAt: next.kind === "retry" ? null : finishedAt,
        lockedBy: null,
        lockedUntil: null,
        updatedAt: finishedAt,
      })
      .where(
        and(
          eq(deliveries.id, delivery.id),
          eq(deliveries.accountId, delivery.accountId),
          eq(deliveries.status, "pending"),
          eq(deliveries.attemptCount, delivery.attemptCount),
          eq(deliveries.lockedBy, opts.owner),
        ),
      )
      .returning({ id: deliveries.id });
    if (updated.length === 0) return false;

    await tx.insert(deliveryAttempts).values(attemptRow(delivery.id, attemptNumber, result, headers));

    if (next.kind === "succeeded") {
      // Only touch the endpoint row when there is a streak to reset: a write per success would
      // serialise every delivery to one endpoint on its row lock.
      await tx
        .update(webhooks)
        .set({ consecutiveFailures: 0 })
        .where(and(eq(webhooks.id, webhook.id), eq(webhooks.accountId, webhook.accountId), ne(webhooks.consecutiveFailures, 0)));
    } else if (next.kind === "failed" && next.gone) {
      await tx
        .update(webhooks)
        .set({
          enabled: false,
          disabledReason: `Disabled automatically: the endpoint answered 410 Gone on ${finishedAt.toISOString()}. Re-enable it once the URL accepts webhooks again.`,
          updatedAt: finishedAt,
        })
        .where(and(eq(webhooks.id, webhook.id), eq(webhooks.accountId, webhook.accountId)));
    } else if (next.kind === "failed") {
      const limit = config.disableAfterFailures;
      const streak = sql`${webhooks.consecutiveFailures} + 1`;
      await tx
        .update(webhooks)
        .set({
          consecutiveFailures: streak,
          enabled: sql`case when ${streak} >= ${limit} then false else ${webhooks.enabled} end`,
          disabledReason: sql`case when ${streak} >= ${limit} and ${webhooks.enabled} then ${disabledAfterFailuresReason(limit)} else ${webhooks.disabledReason} end`,
          updatedAt: finishedAt,
        })
        .where(and(eq(webhooks.id, webhook.id), eq(webhooks.accountId, webhook.accountId)));
    }
    return true;
  });

  if (!recorded) {
    // Someone else recorded this attempt number first (our lease had expired and was taken).
    log.warn("delivery attempt not recorded: lease lost", { deliveryId, owner: opts.owner, attemptNumber });
    return { status: "skipped", reason: "lost_race" };
  }
  if (next.kind === "retry") return { status: "pending", attemptNumber, nextAttemptAt: nextAttemptAt!.toISOString() };
  return { status: next.kind, attemptNumber };
}

export function disabledAfterFailuresReason(limit: number): string {
  return `Disabled automatically after ${limit} deliveries in a row failed every retry. Fix the endpoint, then re-enable it: held events will be sent.`;
}

function attemptRow(deliveryId: string, number: number, r: SendResult, requestHeaders: Record<string, string>) {
  return {
    id: newId("attempt"),
    deliveryId,
    number,
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    statusCode: r.statusCode,
    error: r.error,
    responseBodyExcerpt: r.responseBodyExcerpt,
    requestHeaders,
  };
}

/**
 * Take (or renew) the lease of a due pending delivery; null when it is not ours to send now.
 * By id alone: the engine works for every tenant, and learns the account from this row.
 */
async function takeLease(db: Db, deliveryId: string, owner: string, now: Date) {
  const rows = await db
    .update(deliveries)
    .set({ lockedBy: owner, lockedUntil: new Date(now.getTime() + leaseMs()) })
    .where(
      and(
        eq(deliveries.id, deliveryId),
        eq(deliveries.status, "pending"),
        or(isNull(deliveries.nextAttemptAt), lte(deliveries.nextAttemptAt, now)),
        or(isNull(deliveries.lockedUntil), lt(deliveries.lockedUntil, now), eq(deliveries.lockedBy, owner)),
      ),
    )
    .returning({ accountId: deliveries.accountId });
  return rows[0] ?? null;
}

async function releaseLease(db: Db, deliveryId: string, accountId: string, owner: string) {
  await db
    .update(deliveries)
    .set({ lockedBy: null, lockedUntil: null })
    .where(and(eq(deliveries.id, deliveryId), eq(deliveries.accountId, accountId), eq(deliveries.lockedBy, owner)));
}

async function explainSkip(db: Db, deliveryId: string, now: Date): Promise<ProcessResult> {
  const [d] = await db
    .select({ status: deliveries.status, nextAttemptAt: deliveries.nextAttemptAt, lockedUntil: deliveries.lockedUntil })
    .from(deliveries)
    .where(eq(deliveries.id, deliveryId))
    .limit(1);
  if (!d) return { status: "skipped", reason: "not_found" };
  if (d.status !== "pending") return { status: "skipped", reason: "not_pending" };
  if (d.nextAttemptAt && d.nextAttemptAt > now) {
    return { status: "skipped", reason: "not_due", nextAttemptAt: d.nextAttemptAt.toISOString() };
  }
  return { status: "skipped", reason: "leased", nextAttemptAt: d.lockedUntil?.toISOString() };
}
