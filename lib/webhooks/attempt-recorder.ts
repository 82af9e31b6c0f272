import { sql } from "drizzle-orm";
import { getDeliveryDb, resultRows, type Tx } from "@/lib/db";
import type { NoticeDetails } from "@/lib/db/schema";
import { isTransientDbError } from "@/lib/db/errors";
import { newId } from "@/lib/ids";
import { log } from "@/lib/log";
import { processSingleton } from "@/lib/singleton";
import { failure, type FailureCause } from "./failure-causes";
import { decideEndpoint, type EndpointHealth, type EndpointOutcome, type EndpointPolicy } from "./endpoint-policy";
import { noticeDetails, requestNoticeDispatch } from "./notices";

// Writes the bookkeeping of finished attempts: move the delivery, insert the attempt, and apply
// the endpoint rule (endpoint-policy.ts) to the endpoints the outcomes concern, with the notices
// it decides into the notice outbox. This module decides nothing itself: the delivery's new
// state comes from the state machine (delivery.ts), the endpoint's from the pure rule, run here
// on the endpoint rows as locked inside the same transaction. Attempts that finish while a write is in flight go together in the next write (group
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
  /** What the outcome says about the endpoint (endpointOutcomeKind); null while the delivery goes on. */
  endpoint: EndpointOutcome["kind"] | null;
  /** The endpoint rule's settings (WEBHOOK_DISABLE_AFTER). */
  policy: EndpointPolicy;
  attempt: {
    id: string;
    number: number;
    startedAt: Date;
    durationMs: number;
    statusCode: number | null;
    error: string | null;
    errorCause: FailureCause | null;
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
      const { recorded, notices } = await withRetry(() => writeBatch(batch.map((w) => w.attempt)), giveUpAt);
      // Mail and operational events go out after the commit, never inside the transaction.
      requestNoticeDispatch(notices);
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

/**
 * One transaction per batch: one statement records the attempts under their guards and locks the
 * endpoints whose health they may change; the rule runs on those rows; one more statement (only
 * when something changed) writes the endpoints and their notices. Returns the ids recorded.
 */
async function writeBatch(batch: FinishedAttempt[]): Promise<{ recorded: Set<string>; notices: string[] }> {
  const db = await getDeliveryDb();
  return db.transaction(async (tx) => {
    const { recorded, endpoints } = await recordAndLock(tx, batch);
    const changes: EndpointChange[] = [];
    const notices: NoticeRow[] = [];
    for (const endpoint of endpoints) {
      // In the order the attempts finished: a success ends a failing stretch only from then on.
      const mine = batch.filter((a) => a.webhookId === endpoint.id && a.endpoint && recorded.has(a.deliveryId));
      if (mine.length === 0) continue;
      const policy = mine.at(-1)!.policy;
      const decision = decideEndpoint(endpoint.health, mine.map(endpointOutcome), policy);
      if (!decision.changed) continue;
      const next = decision.next;
      changes.push({
        id: endpoint.id,
        account_id: endpoint.accountId,
        enabled: next.enabled,
        disabled_reason: next.disabledReason,
        disabled_reason_cause: next.disabledReasonCause,
        failing_since: next.failingSince?.toISOString() ?? null,
        last_error: next.lastError === null ? null : storableText(next.lastError),
        last_error_cause: storableCause(next.lastErrorCause),
        disable_warned_at: next.disableWarnedAt?.toISOString() ?? null,
        at: mine.at(-1)!.finishedAt.toISOString(),
      });
      for (const notice of decision.notices) {
        notices.push({
          id: newId("notice"),
          account_id: endpoint.accountId,
          webhook_id: endpoint.id,
          kind: notice.kind,
          details: noticeDetails(endpoint.url, next, policy),
          created_at: notice.at.toISOString(),
        });
      }
    }
    if (changes.length > 0) await writeEndpoints(tx, changes, notices);
    return { recorded, notices: notices.map((n) => n.id) };
  });
}

function endpointOutcome(a: FinishedAttempt): EndpointOutcome {
  if (a.endpoint === "succeeded") return { kind: "succeeded", at: a.finishedAt };
  const { text, cause } =
    a.attempt.error !== null
      ? { text: a.attempt.error, cause: a.attempt.errorCause }
      : a.attempt.statusCode === null
        ? failure("no_answer", {})
        : failure("http_status", { status: a.attempt.statusCode });
  return { kind: a.endpoint!, at: a.finishedAt, error: text, cause };
}

type LockedEndpoint = { id: string; accountId: string; url: string; health: EndpointHealth };

/** Moves the deliveries and inserts their attempts under their guards; locks the endpoints concerned. */
async function recordAndLock(tx: Tx, batch: FinishedAttempt[]): Promise<{ recorded: Set<string>; endpoints: LockedEndpoint[] }> {
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
    attempt_id: a.attempt.id,
    number: a.attempt.number,
    started_at: a.attempt.startedAt.toISOString(),
    duration_ms: a.attempt.durationMs,
    status_code: a.attempt.statusCode,
    error: storableText(a.attempt.error),
    error_cause: storableCause(a.attempt.errorCause),
    excerpt: storableText(a.attempt.responseBodyExcerpt),
    headers: a.attempt.requestHeaders,
  }));

  // Endpoints are locked (in id order, so two writers cannot deadlock on them) only when the rule
  // may change them: an exhausted or gone delivery, or a success while failing. A success to a
  // healthy endpoint locks nothing: a lock per success would serialise every delivery to one
  // endpoint on its row. A disabled endpoint stays as it is until its owner re-enables it.
  const result = await tx.execute(sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
        seq int, delivery_id text, account_id text, webhook_id text, owner text, expected_count int,
        status delivery_status, next_attempt_at timestamptz, finished_at timestamptz, endpoint text,
        attempt_id text, number int, started_at timestamptz, duration_ms int, status_code int, error text,
        error_cause jsonb, excerpt text, headers jsonb)
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
        throttled_until = null,
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
        (id, delivery_id, number, started_at, duration_ms, status_code, error, error_cause, response_body_excerpt, request_headers)
      select attempt_id, delivery_id, number, started_at, duration_ms, status_code, error, error_cause, excerpt, headers
      from recorded
      returning delivery_id
    ),
    concerned as (
      select webhook_id, account_id, bool_or(endpoint <> 'succeeded') as failed
      from recorded where endpoint is not null group by webhook_id, account_id
    ),
    locked as (
      select w.id, w.account_id, w.url, w.enabled, w.disabled_reason, w.disabled_reason_cause, w.failing_since, w.last_error,
        w.last_error_cause, w.disable_warned_at
      from webhooks w join concerned c on c.webhook_id = w.id and c.account_id = w.account_id
      where w.enabled and (c.failed or w.failing_since is not null)
      order by w.id
      -- Not FOR UPDATE: only health columns change, and FOR UPDATE would conflict with the KEY
      -- SHARE locks of new deliveries' foreign-key checks (an outbox insert deadlocked with it).
      for no key update of w
    )
    select
      (select coalesce(json_agg(delivery_id), '[]'::json) from attempt) as recorded,
      (select coalesce(json_agg(l), '[]'::json) from locked l) as endpoints`);
  const [row] = resultRows(result);
  const recorded = new Set(jsonArray(row?.recorded).map(String));
  const endpoints = jsonArray(row?.endpoints).map((e): LockedEndpoint => {
    const w = e as Record<string, unknown>;
    return {
      id: String(w.id),
      accountId: String(w.account_id),
      url: String(w.url),
      health: {
        enabled: Boolean(w.enabled),
        disabledReason: w.disabled_reason === null ? null : String(w.disabled_reason),
        disabledReasonCause: jsonObject(w.disabled_reason_cause) as EndpointHealth["disabledReasonCause"],
        failingSince: dateOrNull(w.failing_since),
        lastError: w.last_error === null ? null : String(w.last_error),
        lastErrorCause: jsonObject(w.last_error_cause) as EndpointHealth["lastErrorCause"],
        disableWarnedAt: dateOrNull(w.disable_warned_at),
      },
    };
  });
  return { recorded, endpoints };
}

type EndpointChange = {
  id: string;
  account_id: string;
  enabled: boolean;
  disabled_reason: string | null;
  disabled_reason_cause: EndpointHealth["disabledReasonCause"];
  failing_since: string | null;
  last_error: string | null;
  last_error_cause: FailureCause | null;
  disable_warned_at: string | null;
  at: string;
};
type NoticeRow = { id: string; account_id: string; webhook_id: string; kind: string; details: NoticeDetails; created_at: string };

/** The rule's decisions for the locked endpoints, and the notices they are due, in one statement. */
async function writeEndpoints(tx: Tx, changes: EndpointChange[], notices: NoticeRow[]) {
  await tx.execute(sql`
    with changed as (
      update webhooks w set
        enabled = c.enabled,
        disabled_reason = c.disabled_reason,
        disabled_reason_cause = c.disabled_reason_cause,
        failing_since = c.failing_since,
        last_error = c.last_error,
        last_error_cause = c.last_error_cause,
        disable_warned_at = c.disable_warned_at,
        -- updated_at tracks the endpoint's settings: it moves only when the engine disables it.
        updated_at = case when w.enabled and not c.enabled then c.at else w.updated_at end
      from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) as c(
        id text, account_id text, enabled boolean, disabled_reason text, disabled_reason_cause jsonb, failing_since timestamptz,
        last_error text, last_error_cause jsonb, disable_warned_at timestamptz, at timestamptz)
      where w.id = c.id and w.account_id = c.account_id
      returning w.id
    )
    -- Due at once (next_attempt_at defaults to the database's now); created_at is the change's time.
    insert into endpoint_notices (id, account_id, webhook_id, kind, details, created_at)
    select n.id, n.account_id, n.webhook_id, n.kind::endpoint_notice_kind, n.details, n.created_at
    from jsonb_to_recordset(${JSON.stringify(notices)}::jsonb) as n(
      id text, account_id text, webhook_id text, kind text, details jsonb, created_at timestamptz)
    where n.webhook_id in (select id from changed)`);
}

function dateOrNull(v: unknown): Date | null {
  return v === null || v === undefined ? null : new Date(String(v));
}

/** A json column: parsed by the driver (postgres.js, PGlite), or text. */
function jsonArray(v: unknown): unknown[] {
  const parsed = typeof v === "string" ? JSON.parse(v) : v;
  return Array.isArray(parsed) ? parsed : [];
}

/** A jsonb column inside json_agg: an object, or null. */
function jsonObject(v: unknown): Record<string, unknown> | null {
  const parsed = typeof v === "string" ? JSON.parse(v) : v;
  return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
}

/** A cause's parameters come from the receiver too (a Location header, a host): stored as safely as the text. */
function storableCause<C extends { params: Record<string, string | number> }>(cause: C | null): C | null {
  if (cause === null) return null;
  const params = Object.fromEntries(Object.entries(cause.params).map(([k, v]) => [k, typeof v === "string" ? storableText(v) : v]));
  return { ...cause, params };
}

/** PostgreSQL text holds neither NUL nor lone surrogates; a receiver's answer may. */
function storableText(s: string | null): string | null {
  return s === null ? null : s.toWellFormed().replaceAll("\0", "\uFFFD");
}
