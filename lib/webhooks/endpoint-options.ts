import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { ApiError } from "@/lib/api/errors";
import type { Db, Queryable } from "@/lib/db";
import { accounts, deliveries, partnerships, programs, webhooks } from "@/lib/db/schema";
import { MASKED_HEADER_VALUE } from "./schemas";
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

// Sends to a throttled endpoint are spaced evenly, 1/rate apart, with this much slack per second
// so that a send a little late (a timer, the network) cannot bring two seconds' worth together:
// any `rate` consecutive sends span at least 1 s + THROTTLE_SLACK_MS.
export const THROTTLE_SLACK_MS = 100;
// A delivery whose slot is this close waits for it in the process; one further off is put back
// in the queue, due at its slot, and holds that slot.
export const THROTTLE_MAX_WAIT_MS = 1000;
// A held slot used later than this is given up and a new one taken (it could crowd the next ones).
export const THROTTLE_LATE_MS = 50;

export function throttleSpacingMs(ratePerSecond: number): number {
  return (1000 + THROTTLE_SLACK_MS) / ratePerSecond;
}

/**
 * Takes the endpoint's next send slot, shared by every process through `webhooks.next_send_at`
 * (one row update: concurrent takers queue on the row, each gets its own slot). Returns when it is.
 */
export async function takeSendSlot(db: Db, webhookId: string, ratePerSecond: number, now: Date): Promise<Date> {
  const spacing = throttleSpacingMs(ratePerSecond);
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  const [row] = await db
    .update(webhooks)
    .set({ nextSendAt: sql`greatest(coalesce(${webhooks.nextSendAt}, ${nowSql}), ${nowSql}) + ${spacing} * interval '1 millisecond'` })
    .where(eq(webhooks.id, webhookId))
    .returning({ next: webhooks.nextSendAt });
  // The slot taken is the one before the new frontier.
  return new Date((row?.next ?? now).getTime() - spacing);
}

/** Puts a delivery back, due at the slot it now holds (no attempt is used; it is not failed). */
export async function deferToSlot(db: Db, deliveryId: string, owner: string, slot: Date): Promise<boolean> {
  const rows = await db
    .update(deliveries)
    .set({ nextAttemptAt: slot, throttledUntil: slot, lockedBy: null, lockedUntil: null })
    .where(and(eq(deliveries.id, deliveryId), eq(deliveries.lockedBy, owner), eq(deliveries.status, "pending")))
    .returning({ id: deliveries.id });
  return rows.length > 0;
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
