import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { DisableReasonCause, FailureCause } from "@/lib/webhooks/failure-causes";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

export const accountKind = pgEnum("account_kind", ["advertiser", "affiliate"]);
export const partnershipStatus = pgEnum("partnership_status", ["pending", "approved", "rejected"]);
export const conversionStatus = pgEnum("conversion_status", ["pending", "approved", "rejected"]);
export const conversionType = pgEnum("conversion_type", ["sale", "lead"]);
export const deliveryStatus = pgEnum("delivery_status", ["pending", "succeeded", "failed"]);

// --- Tenancy -------------------------------------------------------------------------------

export const accounts = pgTable("accounts", {
  id: text("id").primaryKey(), // acct_…
  kind: accountKind("kind").notNull(),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(), // usr_…
    accountId: text("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    email: text("email").notNull(), // stored lower-cased
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    // "Sign out everywhere": sessions that began before this are over (lib/auth/sessions.ts).
    sessionsValidAfter: timestamp("sessions_valid_after", { withTimezone: true, precision: 3 }),
    // The language they chose ("en" | "es", i18n/locales.ts); null until they choose one.
    locale: text("locale"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_key").on(t.email), index("users_account_idx").on(t.accountId)],
);

// Sessions ended by signing out, until their cookie would have expired anyway.
export const revokedSessions = pgTable(
  "revoked_sessions",
  {
    sessionId: text("session_id").primaryKey(), // the `sid` inside the session JWT
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("revoked_sessions_user_idx").on(t.userId)],
);

// Only the SHA-256 of a key is kept; `prefix` is what the dashboard shows to tell keys apart.
export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(), // key_…
    accountId: text("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("api_keys_hash_key").on(t.keyHash), index("api_keys_account_idx").on(t.accountId)],
);

// --- Affiliate business --------------------------------------------------------------------

export const programs = pgTable(
  "programs",
  {
    id: text("id").primaryKey(), // prg_…
    accountId: text("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }), // the advertiser
    name: text("name").notNull(),
    commissionRate: numeric("commission_rate", { precision: 5, scale: 2, mode: "number" }), // percent
    createdAt: createdAt(),
  },
  (t) => [index("programs_account_idx").on(t.accountId)],
);

export const partnerships = pgTable(
  "partnerships",
  {
    id: text("id").primaryKey(), // ptn_…
    programId: text("program_id").notNull().references(() => programs.id, { onDelete: "cascade" }),
    affiliateAccountId: text("affiliate_account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    status: partnershipStatus("status").notNull().default("pending"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("partnerships_program_affiliate_key").on(t.programId, t.affiliateAccountId),
    index("partnerships_affiliate_idx").on(t.affiliateAccountId),
  ],
);

export const conversions = pgTable(
  "conversions",
  {
    id: text("id").primaryKey(), // conv_…
    programId: text("program_id").notNull().references(() => programs.id, { onDelete: "cascade" }),
    advertiserAccountId: text("advertiser_account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    affiliateAccountId: text("affiliate_account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    amount: bigint("amount", { mode: "number" }).notNull(), // minor units
    currency: text("currency").notNull().default("USD"),
    type: conversionType("type").notNull().default("sale"),
    status: conversionStatus("status").notNull().default("pending"),
    externalId: text("external_id"),
    rejectionReason: text("rejection_reason"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("conversions_program_idx").on(t.programId),
    index("conversions_advertiser_idx").on(t.advertiserAccountId, t.createdAt),
    index("conversions_affiliate_idx").on(t.affiliateAccountId, t.createdAt),
  ],
);

// One row per (account, Idempotency-Key, route): a repeat returns the stored response.
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    accountId: text("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    scope: text("scope").notNull(), // e.g. "POST /api/v1/conversions"
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    responseStatus: integer("response_status").notNull(),
    responseBody: jsonb("response_body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.scope, t.key] })],
);

// --- Webhooks ------------------------------------------------------------------------------

export const webhooks = pgTable(
  "webhooks",
  {
    id: text("id").primaryKey(), // wh_…
    accountId: text("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    description: text("description").notNull().default(""),
    events: text("events").array().notNull(),
    enabled: boolean("enabled").notNull().default(true),
    disabledReason: text("disabled_reason"),
    // The reason and the last error as codes with parameters (lib/webhooks/failure-causes.ts),
    // which the dashboard and mails word in the reader's language; null on rows from before codes.
    disabledReasonCause: jsonb("disabled_reason_cause").$type<DisableReasonCause>(),
    // Health (lib/webhooks/endpoint-policy.ts): when the current failing stretch began (the first
    // exhausted delivery after a success; null while healthy), the newest exhausted delivery's
    // error, and when the "about to be disabled" notice went out for this stretch.
    failingSince: timestamp("failing_since", { withTimezone: true }),
    lastError: text("last_error"),
    lastErrorCause: jsonb("last_error_cause").$type<FailureCause>(),
    disableWarnedAt: timestamp("disable_warned_at", { withTimezone: true }),
    secretRotatedAt: timestamp("secret_rotated_at", { withTimezone: true }),
    // Endpoint options (lib/webhooks/endpoint-options.ts). Custom headers: name → value encrypted
    // like signing secrets (null: none). At most `rate_limit_per_second` sends per second (null:
    // unlimited): `next_send_at` is the earliest time the next send may start, shared by every
    // process; `throttle_queue_until` spreads the deliveries put back to wait over later times.
    // FIFO: one delivery at a time, in queue_position order. program_ids: only events of these
    // programs (null: every program).
    customHeaders: jsonb("custom_headers").$type<Record<string, string>>(),
    rateLimitPerSecond: integer("rate_limit_per_second"),
    nextSendAt: timestamp("next_send_at", { withTimezone: true }),
    throttleQueueUntil: timestamp("throttle_queue_until", { withTimezone: true }),
    fifo: boolean("fifo").notNull().default(false),
    programIds: text("program_ids").array(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("webhooks_account_idx").on(t.accountId, t.createdAt),
    check("webhooks_rate_limit_check", sql`${t.rateLimitPerSecond} is null or ${t.rateLimitPerSecond} between 1 and 1000`),
  ],
);

// Event order of deliveries, for FIFO endpoints: taken at insert, and again by a replay (which
// goes to the back of the line).
export const deliveryQueueSeq = pgSequence("deliveries_queue_seq");

// Signing secrets, encrypted at rest. The current one has expires_at null; a rotated-out one
// keeps signing until its expires_at (the grace period), so receivers can roll over.
export const webhookSecrets = pgTable(
  "webhook_secrets",
  {
    id: text("id").primaryKey(), // whsk_…
    webhookId: text("webhook_id").notNull().references(() => webhooks.id, { onDelete: "cascade" }),
    ciphertext: text("ciphertext").notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
  },
  (t) => [index("webhook_secrets_webhook_idx").on(t.webhookId, t.createdAt)],
);

// One row per business event. `body` is the exact JSON sent to receivers (text, not jsonb,
// so the bytes and key order never change between attempts).
export const events = pgTable(
  "events",
  {
    id: text("id").primaryKey(), // evt_…
    type: text("type").notNull(),
    body: text("body").notNull(),
    test: boolean("test").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index("events_created_idx").on(t.createdAt)],
);

// Who received an event: one row per recipient account (written by the outbox with the event),
// so an account can list, search and resend its events whether or not an endpoint got them.
// subject_id (data.id: a conversion, partnership or endpoint) and external_id (a conversion's
// externalId) are copied out of the body for search. Goes with its event (retention).
export const accountEvents = pgTable(
  "account_events",
  {
    eventId: text("event_id").notNull().references(() => events.id, { onDelete: "cascade" }),
    accountId: text("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    eventType: text("event_type").notNull(),
    subjectId: text("subject_id"),
    externalId: text("external_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    // The writing transaction's id: the event stream (lib/cli/event-feed.ts) reads rows in this
    // order and only below the oldest running transaction, so a late commit is never skipped.
    txid: bigint("txid", { mode: "number" }).notNull().default(sql`(pg_current_xact_id()::text)::bigint`),
  },
  (t) => [
    index("account_events_account_txid_idx").on(t.accountId, t.txid, t.eventId),
    // event_id first: retention deletes events by id, and the cascade finds their rows here.
    primaryKey({ columns: [t.eventId, t.accountId] }),
    // GET /api/v1/events: an account's events newest first, keyset-paginated on (created_at, event_id).
    index("account_events_account_created_idx").on(t.accountId, t.createdAt.desc(), t.eventId.desc()),
    index("account_events_account_type_created_idx").on(t.accountId, t.eventType, t.createdAt.desc(), t.eventId.desc()),
    index("account_events_account_subject_idx").on(t.accountId, t.subjectId),
    index("account_events_account_external_idx").on(t.accountId, t.externalId).where(sql`${t.externalId} is not null`),
  ],
);

// One row per (event, endpoint): the unit that is retried, replayed and shown in the log.
// Its id is also the Standard Webhooks `webhook-id`, so it is stable across retries and replays.
export const deliveries = pgTable(
  "deliveries",
  {
    id: text("id").primaryKey(), // dlv_…
    accountId: text("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    webhookId: text("webhook_id").notNull().references(() => webhooks.id, { onDelete: "cascade" }),
    eventId: text("event_id").notNull().references(() => events.id, { onDelete: "cascade" }),
    eventType: text("event_type").notNull(),
    status: deliveryStatus("status").notNull().default("pending"),
    attemptCount: integer("attempt_count").notNull().default(0),
    // attempt_count when the current budget began; a replay moves it up to grant fresh retries.
    budgetStart: integer("budget_start").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    lastStatusCode: integer("last_status_code"),
    // Why a delivery ended without being sent (e.g. discarded while its endpoint was disabled).
    lastError: text("last_error"),
    lastErrorCause: jsonb("last_error_cause").$type<FailureCause>(),
    test: boolean("test").notNull().default(false),
    // Lease held by the engine working on it; an expired lease means its worker died.
    lockedBy: text("locked_by"),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    // Place in its endpoint's line (FIFO endpoints send the lowest pending one first).
    queuePosition: bigint("queue_position", { mode: "number" })
      .notNull()
      .default(sql`nextval('deliveries_queue_seq')`),
    // Set while the delivery waits for its throttled endpoint's rate (the log says why it waits).
    throttledUntil: timestamp("throttled_until", { withTimezone: true, precision: 3 }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [
    // Due work: pending deliveries by when they are next due.
    index("deliveries_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    // A webhook's log, newest first, keyset-paginated on (created_at, id): one index per filter
    // the log offers (none, status, event, both), each ending in the log's order. DESC NULLS
    // FIRST is what `order by … desc` means; with NULLS LAST the planner could not use them.
    index("deliveries_webhook_created_idx").on(t.webhookId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("deliveries_webhook_status_created_idx").on(t.webhookId, t.status, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("deliveries_webhook_event_created_idx").on(t.webhookId, t.eventType, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index("deliveries_webhook_status_event_created_idx").on(
      t.webhookId,
      t.status,
      t.eventType,
      t.createdAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    // Not unique: a resend (lib/events) gives an endpoint a new delivery of the same event.
    index("deliveries_event_webhook_idx").on(t.eventId, t.webhookId),
    // A FIFO endpoint's line: its pending deliveries in order.
    index("deliveries_webhook_queue_idx").on(t.webhookId, t.queuePosition).where(sql`${t.status} = 'pending'`),
    // Every pending delivery says when it is due, so finding due work is one ordered index scan.
    check("deliveries_pending_due_check", sql`${t.status} <> 'pending' or ${t.nextAttemptAt} is not null`),
  ],
);

export const deliveryAttempts = pgTable(
  "delivery_attempts",
  {
    id: text("id").primaryKey(), // att_…
    deliveryId: text("delivery_id").notNull().references(() => deliveries.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    durationMs: integer("duration_ms").notNull(),
    statusCode: integer("status_code"),
    error: text("error"),
    errorCause: jsonb("error_cause").$type<FailureCause>(),
    responseBodyExcerpt: text("response_body_excerpt"),
    requestHeaders: jsonb("request_headers").$type<Record<string, string>>().notNull(),
  },
  (t) => [uniqueIndex("delivery_attempts_delivery_number_key").on(t.deliveryId, t.number)],
);

// Rollups for the dashboard's numbers (lib/webhooks/rollups.ts), per endpoint and UTC hour: the
// deliveries created in that hour by their current status, and a latency histogram of the attempts
// started in it ({bucket: count}, log-bucketed: see LATENCY_RELATIVE_ERROR). Statement-level
// triggers on deliveries and delivery_attempts (migration hourly_stats_deltas) append each change
// as a row of webhook_stat_deltas in the writer's own transaction — insert only, so concurrent
// writers never wait on one another — and foldStatDeltas() moves committed deltas into
// webhook_hourly_stats, one folder at a time. Readers add both in one statement: exact at every
// commit. `npm run rollups:rebuild` recomputes them from raw rows.
export const webhookHourlyStats = pgTable(
  "webhook_hourly_stats",
  {
    webhookId: text("webhook_id").notNull().references(() => webhooks.id, { onDelete: "cascade" }),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    accountId: text("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    pending: integer("pending").notNull().default(0),
    succeeded: integer("succeeded").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    latency: jsonb("latency").$type<Record<string, number>>().notNull().default({}),
  },
  (t) => [primaryKey({ columns: [t.webhookId, t.hour] }), index("webhook_hourly_stats_account_hour_idx").on(t.accountId, t.hour)],
);

// Changes to webhook_hourly_stats not folded in yet (see above). Short-lived: no foreign keys (an
// endpoint's deletion leaves its deltas to the next fold, which drops them).
export const webhookStatDeltas = pgTable(
  "webhook_stat_deltas",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    webhookId: text("webhook_id").notNull(),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    accountId: text("account_id").notNull(),
    pending: integer("pending").notNull().default(0),
    succeeded: integer("succeeded").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    latency: jsonb("latency").$type<Record<string, number>>().notNull().default({}),
  },
  (t) => [index("webhook_stat_deltas_webhook_hour_idx").on(t.webhookId, t.hour), index("webhook_stat_deltas_account_hour_idx").on(t.accountId, t.hour)],
);

/** The endpoint as a notice describes it (lib/webhooks/notices.ts); the causes are absent on older rows. */
export interface NoticeDetails {
  url?: string | null;
  failingSince?: string | null;
  disablesAt?: string | null;
  lastError?: string | null;
  lastErrorCause?: FailureCause | null;
  disabledReason?: string | null;
  disabledReasonCause?: DisableReasonCause | null;
  disableAfter?: string | null;
  disableAfterMs?: string | null;
}

export const endpointNoticeKind = pgEnum("endpoint_notice_kind", ["failing", "disabling", "disabled", "recovered"]);

// Outbox of operational notices (lib/webhooks/notices.ts): written in the transaction that changed
// the endpoint's health, then mailed to the account's users and sent as an operational event after
// the commit, so a mail failure loses nothing and never holds up delivery bookkeeping.
export const endpointNotices = pgTable(
  "endpoint_notices",
  {
    id: text("id").primaryKey(), // ntc_…
    accountId: text("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    webhookId: text("webhook_id").notNull().references(() => webhooks.id, { onDelete: "cascade" }),
    kind: endpointNoticeKind("kind").notNull(),
    // The endpoint as it was at the change: url, failingSince, disablesAt, lastError, disabledReason.
    details: jsonb("details").$type<NoticeDetails>().notNull(),
    createdAt: createdAt(),
    // The operational event (endpoint.*) enqueued for the account's other endpoints.
    eventId: text("event_id"),
    mailedAt: timestamp("mailed_at", { withTimezone: true }),
    // The languages whose mail went out: a retry after one language's mail failed sends only the others.
    mailedLocales: text("mailed_locales").array().notNull().default(sql`'{}'::text[]`),
    sendAttempts: integer("send_attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastSendError: text("last_send_error"),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [index("endpoint_notices_due_idx").on(t.nextAttemptAt).where(sql`${t.completedAt} is null`)],
);

export type Account = typeof accounts.$inferSelect;
export type AccountKind = Account["kind"];
export type User = typeof users.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type Program = typeof programs.$inferSelect;
export type Partnership = typeof partnerships.$inferSelect;
export type Conversion = typeof conversions.$inferSelect;
export type Webhook = typeof webhooks.$inferSelect;
export type WebhookSecret = typeof webhookSecrets.$inferSelect;
export type Event = typeof events.$inferSelect;
export type AccountEvent = typeof accountEvents.$inferSelect;
export type Delivery = typeof deliveries.$inferSelect;
export type DeliveryAttempt = typeof deliveryAttempts.$inferSelect;
export type EndpointNotice = typeof endpointNotices.$inferSelect;
export type WebhookHourlyStats = typeof webhookHourlyStats.$inferSelect;
export type WebhookStatDelta = typeof webhookStatDeltas.$inferSelect;

// --- Rate limiting -------------------------------------------------------------------------

// One fixed-window counter per limited subject (see lib/api/rate-limit.ts). Shared by every
// process and instance; rows whose window has ended are swept opportunistically.
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").primaryKey(), // "<scope>:<sha256 of the subject>"
    count: integer("count").notNull(),
    resetAt: timestamp("reset_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("rate_limits_reset_idx").on(t.resetAt)],
);

// Failed sign-ins per email (lib/auth/sign-in-throttle.ts): past a few, each further attempt
// waits longer. Keyed by a hash of the email, so unknown emails behave exactly like real ones.
export const signInFailures = pgTable(
  "sign_in_failures",
  {
    key: text("key").primaryKey(), // sha256 of the lower-cased email
    failures: integer("failures").notNull(),
    lastFailedAt: timestamp("last_failed_at", { withTimezone: true }).notNull(),
    blockedUntil: timestamp("blocked_until", { withTimezone: true }),
  },
  (t) => [index("sign_in_failures_last_idx").on(t.lastFailedAt)],
);

// --- CLI listeners -------------------------------------------------------------------------

// A `partnersmy listen` session streaming events (lib/cli/listeners.ts). The stream refreshes
// last_seen_at at every heartbeat, so any instance can tell which sessions are alive; a session
// whose stream ended without a goodbye (a crashed instance) stops counting when that goes stale.
export const cliListeners = pgTable(
  "cli_listeners",
  {
    id: text("id").primaryKey(), // lsn_…
    accountId: text("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    apiKeyId: text("api_key_id").notNull().references(() => apiKeys.id, { onDelete: "cascade" }),
    // The event types it asked for; null: all.
    events: text("events").array(),
    connectedAt: timestamp("connected_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("cli_listeners_account_seen_idx").on(t.accountId, t.lastSeenAt)],
);

export type CliListener = typeof cliListeners.$inferSelect;
