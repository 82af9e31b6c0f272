import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { ApiError } from "@/lib/api/errors";
import type { Db, Queryable } from "@/lib/db";
import { accounts, deliveries, partnerships, programs, webhooks } from "@/lib/db/schema";
import { MASKED_HEADER_VALUE, type WaitReason } from "./schemas";
import { decryptSecret, encryptSecret } from "./secrets";

// Per-endpoint options (issue 13), the server side: custom headers kept encrypted, program
// filters checked against the account, the shared throttle, and the FIFO rule. The shapes and
// their validation are in ./schemas.ts; the engines consult these only for endpoints that use them.

// --- Custom headers ---------------------------------------------------------------------------

/** Name → encrypted value, as stored (null when there are none, the common case). */
export type StoredHeaders = Record<string, string> | null;

export function encryptHeaders(headers: Record<string, string>): StoredHeaders {
  const names = Object.keys(headers);
  if (names.length === 0) return null;
  return Object.fromEntries(names.map((name) => [name, encryptSecret(headers[name]!)]));
}

/**
 * PATCH: the given set replaces the stored one; a null value keeps the stored value of that
 * name (the dashboard never sees values again, so it sends null for the ones left alone).
 */
export function mergeHeaders(stored: StoredHeaders, patch: Record<string, string | null>): StoredHeaders {
  const current = new Map(Object.entries(stored ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries(patch)) {
    if (value !== null) merged[name] = encryptSecret(value);
    else {
      const kept = current.get(name.toLowerCase());
      if (kept === undefined) throw invalid(`headers.${name}`, `There is no stored value of ${name} to keep; give its value.`);
      merged[name] = kept;
    }
  }
  return Object.keys(merged).length > 0 ? merged : null;
}

/** What responses after creation show: the names, never the values. */
export function maskHeaders(stored: StoredHeaders): Record<string, string> {
  return Object.fromEntries(Object.keys(stored ?? {}).map((name) => [name, MASKED_HEADER_VALUE]));
}

/** The values to send; throws when one cannot be decrypted (WEBHOOK_SECRET_KEY changed). */
export function decryptHeaders(stored: StoredHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(stored ?? {}).map(([name, value]) => [name, decryptSecret(value)]));
}

// --- Program filters ----------------------------------------------------------------------------

/**
 * An advertiser may filter on its own programs, an affiliate on the programs it has applied to
 * (not rejected). Anything else — unknown, or another account's — is a 422 naming the ids, so
 * nothing is revealed about which programs exist beyond those the caller can see anyway.
 */
export async function assertProgramsAllowed(db: Queryable, accountId: string, programIds: string[] | null): Promise<void> {
  if (!programIds || programIds.length === 0) return;
  const [account] = await db.select({ kind: accounts.kind }).from(accounts).where(eq(accounts.id, accountId));
  const rows =
    account?.kind === "advertiser"
      ? await db
          .select({ id: programs.id })
          .from(programs)
          .where(and(eq(programs.accountId, accountId), inArray(programs.id, programIds)))
      : await db
          .select({ id: partnerships.programId })
          .from(partnerships)
          .where(
            and(
              eq(partnerships.affiliateAccountId, accountId),
              inArray(partnerships.programId, programIds),
              sql`${partnerships.status} <> 'rejected'`,
            ),
          );
  const allowed = new Set(rows.map((r) => r.id));
  const refused = programIds.filter((id) => !allowed.has(id));
  if (refused.length > 0) {
    const whose = account?.kind === "advertiser" ? "programs of your account" : "programs you have applied to";
    throw invalid("programIds", `Unknown program${refused.length > 1 ? "s" : ""} ${refused.join(", ")}: filter only on ${whose}.`);
  }
}

function invalid(field: string, message: string) {
  return new ApiError("unprocessable", "The request is invalid; see details.", { fieldErrors: { [field]: [message] }, formErrors: [] });
}

// --- Throttle -----------------------------------------------------------------------------------

// Sends to a throttled endpoint start at least 1/rate apart, plus this much slack per second, so
// that one a little late on the wire (a timer, the network) cannot bring two seconds' worth
// together: any `rate + 1` consecutive sends start at least 1 s + THROTTLE_SLACK_MS apart.
export const THROTTLE_SLACK_MS = 100;
// A send that may start within this long waits for its turn in the process; a later one is put
// back in the queue (not failed, no attempt used), due about when its turn comes.
export const THROTTLE_MAX_WAIT_MS = 1000;
// A turn is used only if the send starts within this of it (well inside the slack); a later one
// is given up and a fresh turn taken.
export const THROTTLE_LATE_MS = 50;

export function throttleSpacingMs(ratePerSecond: number): number {
  return (1000 + THROTTLE_SLACK_MS) / ratePerSecond;
}

/**
 * The endpoint's next send start, shared by every process through `webhooks.next_send_at` (a
 * GCRA gate: one row update, so concurrent takers queue on the row and each gets its own time).
 * Taken only when it is within THROTTLE_MAX_WAIT_MS, so a turn is never booked far ahead and
 * then missed by a late wake-up. Returns when to start, or null: not within the wait, put it back.
 */
export async function takeSendTurn(db: Db, webhookId: string, ratePerSecond: number, now: Date): Promise<Date | null> {
  const spacing = throttleSpacingMs(ratePerSecond);
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  const [row] = await db
    .update(webhooks)
    .set({ nextSendAt: sql`greatest(${webhooks.nextSendAt}, ${nowSql}) + ${spacing} * interval '1 millisecond'` })
    .where(
      and(
        eq(webhooks.id, webhookId),
        sql`(${webhooks.nextSendAt} is null or ${webhooks.nextSendAt} <= ${nowSql} + ${THROTTLE_MAX_WAIT_MS} * interval '1 millisecond')`,
      ),
    )
    .returning({ next: webhooks.nextSendAt });
  return row?.next ? new Date(row.next.getTime() - spacing) : null;
}

/**
 * Puts a delivery back to wait for the rate (no attempt is used; it is not failed), due at its
 * own later time: each one put back moves `throttle_queue_until` on by one spacing, so a backlog
 * comes back spread out at the rate, each delivery touched about once, not all at once.
 */
export async function deferForRate(db: Db, delivery: { id: string; webhookId: string }, owner: string, ratePerSecond: number, now: Date) {
  const spacing = throttleSpacingMs(ratePerSecond);
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  const [row] = await db
    .update(webhooks)
    .set({
      throttleQueueUntil: sql`greatest(${webhooks.throttleQueueUntil}, ${webhooks.nextSendAt}, ${nowSql}) + ${spacing} * interval '1 millisecond'`,
    })
    .where(eq(webhooks.id, delivery.webhookId))
    .returning({ until: webhooks.throttleQueueUntil });
  const dueAt = new Date((row?.until ?? now).getTime() - spacing);
  const rows = await db
    .update(deliveries)
    .set({ nextAttemptAt: dueAt, throttledUntil: dueAt, lockedBy: null, lockedUntil: null })
    .where(and(eq(deliveries.id, delivery.id), eq(deliveries.lockedBy, owner), eq(deliveries.status, "pending")))
    .returning({ id: deliveries.id });
  return rows.length > 0 ? dueAt : null;
}

// --- FIFO ---------------------------------------------------------------------------------------

/**
 * SQL: the delivery (the `deliveries` row of the statement) is not behind an earlier pending one
 * of its FIFO endpoint. Only a line's first pending delivery may be sent; for other endpoints
 * `webhooks.fifo` is false and the subquery is not run.
 */
export function notBehindInLine() {
  return sql`not (${webhooks.fifo} and exists (
    select 1 from deliveries earlier
    where earlier.webhook_id = "deliveries"."webhook_id" and earlier.status = 'pending'
      and earlier.queue_position < "deliveries"."queue_position"))`;
}

/** SQL for a replay: to the back of the line (a FIFO endpoint sends it after what is queued). */
export const backOfTheLine = sql`nextval('deliveries_queue_seq')`;

// --- Why a delivery waits -----------------------------------------------------------------------

/**
 * SQL over a `deliveries` row joined to its `webhooks` row: why a pending delivery is not being
 * sent now, or null (it is due, in flight, or waiting for a retry — `nextAttemptAt` says when).
 */
export function waitReasonSql() {
  return sql<WaitReason | null>`case
    when ${deliveries.status} <> 'pending' then null
    when not ${webhooks.enabled} then 'endpoint_disabled'
    when ${webhooks.fifo} and exists (
      select 1 from deliveries earlier
      where earlier.webhook_id = "deliveries"."webhook_id" and earlier.status = 'pending'
        and earlier.queue_position < "deliveries"."queue_position") then 'behind_earlier'
    when ${deliveries.throttledUntil} is not null then 'throttled'
  end`;
}

