import { sql } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { isTransientDbError } from "@/lib/db/errors";
import { log } from "@/lib/log";
import { processSingleton } from "@/lib/singleton";

// Writes the bookkeeping of finished attempts: move the delivery, insert the attempt, update the
// endpoint. Attempts that finish while a write is in flight go together in the next write (group
// commit): one statement and one commit for many attempts, which is what lets the engine keep up
// with its receivers. An attempt that finishes alone is written at once, so latency stays low.
//
// Each row keeps its own guard: nothing is written for a delivery unless it is still pending at
// the attempt count its sender read, under the sender's lease. That also makes a rewrite after a
// lost connection harmless, so transient database errors (a restart, a failover, a deadlock) are
// retried here: the attempt was sent, and recording it is what keeps it from being sent again
// when the lease runs out.

export interface FinishedAttempt {
  deliveryId: string;
  accountId: string;
  webhookId: string;
  /** The sender's lease. */
  owner: string;
  /** attempt_count as the sender read it; the attempt is number expectedCount + 1. */
  expectedCount: number;
  status: "pending" | "succeeded" | "failed";
  nextAttemptAt: Date | null;
  finishedAt: Date;
  /** What the outcome does to the endpoint. */
  endpoint: "none" | "reset_streak" | "count_failure" | "gone";
  /** Shown on the endpoint when this outcome disables it. */
  disabledReason: string | null;
  disableAfterFailures: number;
  attempt: {
    id: string;
    number: number;
    startedAt: Date;
    durationMs: number;
    statusCode: number | null;
    error: string | null;
    responseBodyExcerpt: string | null;
    requestHeaders: Record<string, string>;
  };
}

const MAX_BATCH = 100;
const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 2_000;

type Waiting = {
  attempt: FinishedAttempt;
  /** Until when a transient error is worth retrying for this attempt. */
  giveUpAt: number;
  resolve: (recorded: boolean) => void;
  reject: (err: unknown) => void;
};

export class AttemptRecorder {
  private readonly waiting: Waiting[] = [];
  private writing = false;

  record(attempt: FinishedAttempt, retryForMs: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ attempt, giveUpAt: Date.now() + retryForMs, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  // One write at a time: the next batch is whatever finished meanwhile. (Two concurrent writes
  // could also lock the same endpoints in opposite orders and deadlock.)
  private async drain() {
    this.writing = true;
    try {
      while (this.waiting.length > 0) await this.write(this.takeBatch());
    } finally {
      this.writing = false;
    }
  }

  // One row per delivery in a statement. A second outcome for the same delivery (rare: a claim
  // that outlived its lease and was claimed again) goes in the next batch, where its guard
  // refuses it.
  private takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    const ids = new Set<string>();
    const later: Waiting[] = [];
    for (const w of this.waiting.splice(0)) {
      if (batch.length < MAX_BATCH && !ids.has(w.attempt.deliveryId)) {
        batch.push(w);
        ids.add(w.attempt.deliveryId);
      } else {
        later.push(w);
      }
    }
    this.waiting.push(...later);
    return batch;
  }

  private async write(batch: Waiting[]) {
    try {
      const giveUpAt = Math.max(...batch.map((w) => w.giveUpAt));
      const recorded = await withRetry(() => writeBatch(batch.map((w) => w.attempt)), giveUpAt);
      for (const w of batch) w.resolve(recorded.has(w.attempt.deliveryId));
    } catch (err) {
      // Not a passing database problem, so something in the rows: write them one by one, so a
      // bad row fails alone instead of taking the others' outcomes with it.
      if (batch.length > 1 && !isTransientDbError(err)) {
        for (const w of batch) await this.write([w]);
        return;
      }
      for (const w of batch) w.reject(err);
    }
  }
}


/**
 * Write an attempt's outcome, batched with others finishing meanwhile. Resolves true when
 * recorded, false when the guard refused it; transient errors are retried for `retryForMs`.
 */
export function recordAttempt(attempt: FinishedAttempt, retryForMs: number): Promise<boolean> {
  // Per process, like the db: Next.js may load this module more than once.
  return processSingleton("attemptRecorder", () => new AttemptRecorder()).record(attempt, retryForMs);
}

async function withRetry<T>(write: () => Promise<T>, giveUpAt: number): Promise<T> {
  for (let failures = 0; ; failures++) {
    try {
      return await write();
    } catch (err) {
      const waitMs = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** failures);
      if (!isTransientDbError(err) || Date.now() + waitMs > giveUpAt) throw err;
      log.warn("recording attempts failed; retrying", { err, waitMs });
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

/** One statement for the whole batch; returns the ids of the deliveries it recorded. */
async function writeBatch(batch: FinishedAttempt[]): Promise<Set<string>> {
  const db = await getDb();
  const rows = batch.map((a, seq) => ({
    seq,
    delivery_id: a.deliveryId,
    account_id: a.accountId,
    webhook_id: a.webhookId,
    owner: a.owner,
    expected_count: a.expectedCount,
    status: a.status,
    next_attempt_at: a.nextAttemptAt?.toISOString() ?? null,
    finished_at: a.finishedAt.toISOString(),
    endpoint: a.endpoint,
    disabled_reason: a.disabledReason,
    disable_after: a.disableAfterFailures,
    attempt_id: a.attempt.id,
    number: a.attempt.number,
    started_at: a.attempt.startedAt.toISOString(),
    duration_ms: a.attempt.durationMs,
    status_code: a.attempt.statusCode,
    error: storableText(a.attempt.error),
    excerpt: storableText(a.attempt.responseBodyExcerpt),
    headers: a.attempt.requestHeaders,
  }));

  // Endpoint bookkeeping follows the order in which attempts finished (seq): a success resets
  // the failure streak, so `run` numbers the stretches between successes and only failures
  // after the last success carry over. An endpoint is disabled when any stretch (counting the
  // streak it already had, for the first) reaches the limit, or on 410 Gone.
  const result = await db.execute(sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
        seq int, delivery_id text, account_id text, webhook_id text, owner text, expected_count int,
        status delivery_status, next_attempt_at timestamptz, finished_at timestamptz, endpoint text,
        disabled_reason text, disable_after int, attempt_id text, number int, started_at timestamptz,
        duration_ms int, status_code int, error text, excerpt text, headers jsonb)
    ),
    moved as (
      update deliveries d set
        status = i.status,
        attempt_count = i.number,
        last_status_code = i.status_code,
        next_attempt_at = i.next_attempt_at,
        completed_at = case when i.status = 'pending' then null else i.finished_at end,
        locked_by = null,
        locked_until = null,
        updated_at = i.finished_at
      from input i
      where d.id = i.delivery_id and d.account_id = i.account_id and d.status = 'pending'
        and d.attempt_count = i.expected_count and d.locked_by = i.owner
      returning d.id
    ),
    recorded as (
      select i.* from input i join moved m on m.id = i.delivery_id
    ),
    attempt as (
      insert into delivery_attempts
        (id, delivery_id, number, started_at, duration_ms, status_code, error, response_body_excerpt, request_headers)
      select attempt_id, delivery_id, number, started_at, duration_ms, status_code, error, excerpt, headers
      from recorded
      returning delivery_id
    ),
    outcome as (
      select webhook_id, account_id, endpoint, disabled_reason, disable_after, finished_at,
        count(*) filter (where endpoint = 'reset_streak') over (partition by webhook_id order by seq) as run
      from recorded where endpoint <> 'none'
    ),
    stretch as (
      select webhook_id, account_id, run, count(*) filter (where endpoint = 'count_failure') as failures,
        max(disabled_reason) filter (where endpoint = 'gone') as gone_reason,
        max(disabled_reason) filter (where endpoint = 'count_failure') as limit_reason,
        max(disable_after) as disable_after, max(finished_at) as at
      from outcome group by webhook_id, account_id, run
    ),
    change as (
      select webhook_id, account_id,
        max(run) > 0 as any_success,
        coalesce(max(failures) filter (where run = 0), 0) as head,
        (array_agg(failures order by run desc))[1] as tail,
        coalesce(max(failures) filter (where run > 0), 0) as longest_after_success,
        max(gone_reason) as gone_reason, max(limit_reason) as limit_reason,
        max(disable_after) as disable_after, max(at) as at
      from stretch group by webhook_id, account_id
    ),
    endpoint as (
      -- The limit is checked against the row as locked (another process may have moved it).
      update webhooks w set
        consecutive_failures = case when c.any_success then c.tail else w.consecutive_failures + c.head end,
        enabled = w.enabled and c.gone_reason is null
          and w.consecutive_failures + c.head < c.disable_after and c.longest_after_success < c.disable_after,
        disabled_reason = case
          when not w.enabled then w.disabled_reason
          when c.gone_reason is not null then c.gone_reason
          when w.consecutive_failures + c.head >= c.disable_after or c.longest_after_success >= c.disable_after
            then c.limit_reason
          else w.disabled_reason end,
        -- updated_at tracks the endpoint's settings: it moves only when the engine disables it.
        updated_at = case when w.enabled and (c.gone_reason is not null
            or w.consecutive_failures + c.head >= c.disable_after or c.longest_after_success >= c.disable_after)
          then c.at else w.updated_at end
      from change c
      where w.id = c.webhook_id and w.account_id = c.account_id
        -- A success with no streak to reset writes nothing: a write per success would serialise
        -- every delivery to one endpoint on its row lock.
        and (c.gone_reason is not null or c.head > 0 or c.longest_after_success > 0 or w.consecutive_failures <> 0)
      returning w.id
    )
    select delivery_id from attempt`);
  return new Set(rowsOf(result).map((r) => String(r.delivery_id)));
}

/** PostgreSQL text holds neither NUL nor lone surrogates; a receiver's answer may. */
function storableText(s: string | null): string | null {
  return s === null ? null : s.toWellFormed().replaceAll("\0", "\uFFFD");
}

/** `db.execute` answers with an array (postgres.js) or `{ rows }` (PGlite). */
function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result;
  if (result && typeof result === "object" && "rows" in result && Array.isArray(result.rows)) return result.rows;
  throw new Error("unexpected query result shape");
}
