import "server-only";
import { and, asc, eq, inArray, isNotNull, isNull, lt, lte, or, sql } from "drizzle-orm";
import { getConfig } from "@/lib/config";
import { getDb, type Queryable } from "@/lib/db";
import { endpointNotices, users, webhooks, type EndpointNotice, type NoticeDetails } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { log } from "@/lib/log";
import { processSingleton } from "@/lib/singleton";
import { sendMail } from "@/lib/mail/mail";
import { createTranslator } from "use-intl/core";
import { causeWording, formatWindow } from "@/i18n/causes";
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from "@/i18n/locales";
import en from "@/messages/en.json";
import es from "@/messages/es.json";
import {
  decideOnTimer,
  describeDuration,
  disablesAt,
  type EndpointHealth,
  type EndpointPolicy,
  type NoticeKind,
} from "./endpoint-policy";
import { wakeDeliveryEngine } from "./engine";
import type { EventData, OperationalEventType } from "./events";
import { enqueueEvent } from "./outbox";

// Operational notices: when an endpoint starts failing, is halfway to being disabled, is
// disabled, or recovers (endpoint-policy.ts decides which), its account hears of it twice: a mail
// to the account's users and an operational event (endpoint.*) to the account's other endpoints.
//
// The notice is written to endpoint_notices in the transaction that changed the endpoint (the
// attempt recorder's, or checkEndpointHealth's here); sending happens after the commit, here,
// so a slow or failing SMTP server never holds up delivery bookkeeping and loses nothing: a
// notice stays due, with backoff, until it is mailed. Every engine process runs this after its
// own commits and on a timer (embedded) or a cron (inngest); a lease keeps two from sending one.

export const NOTICE_CHECK_INTERVAL_MS = 60_000;
// The periodic sweep leaves a fresh notice to the process that wrote it (it sends it by id at once).
const SWEEP_GRACE_MS = 30_000;
const NOTICE_LEASE_MS = 2 * 60_000;
const NOTICE_BATCH = 50;
const MAX_SEND_ATTEMPTS = 10;

const EVENT_OF: Record<NoticeKind, OperationalEventType> = {
  failing: "endpoint.failing",
  disabling: "endpoint.failing",
  disabled: "endpoint.disabled",
  recovered: "endpoint.recovered",
};

/** The endpoint as the notice describes it, stored with the notice. */
export function noticeDetails(url: string, health: EndpointHealth, policy: EndpointPolicy): NoticeDetails {
  return {
    url,
    failingSince: health.failingSince?.toISOString() ?? null,
    disablesAt: health.enabled && health.failingSince ? disablesAt(health.failingSince, policy).toISOString() : null,
    lastError: health.lastError,
    // The codes, so each mail words the error and the reason in its reader's language.
    lastErrorCause: health.lastErrorCause,
    disabledReason: health.enabled ? null : health.disabledReason,
    disabledReasonCause: health.enabled ? null : health.disabledReasonCause,
    disableAfter: describeDuration(policy.disableAfterMs),
    // The window as a number too, so each mail can word it in its reader's language.
    disableAfterMs: String(policy.disableAfterMs),
  };
}

/** The operational event's `data` (its schema is the event's entry in lib/webhooks/events.ts). */
export function noticeEventData(notice: Pick<EndpointNotice, "webhookId" | "kind" | "details">): EventData<OperationalEventType> {
  const d = notice.details;
  const endpoint = {
    id: notice.webhookId,
    type: "endpoint" as const,
    amount: null,
    url: d.url ?? "",
    failingSince: d.failingSince ?? null,
    disablesAt: d.disablesAt ?? null,
    lastError: d.lastError ?? null,
    disabledReason: d.disabledReason ?? null,
  };
  switch (notice.kind) {
    case "failing":
      return { ...endpoint, status: "failing", stage: "started" };
    case "disabling":
      return { ...endpoint, status: "failing", stage: "disabling_soon" };
    case "disabled":
      return { ...endpoint, status: "disabled" };
    case "recovered":
      return { ...endpoint, status: "healthy" };
  }
}

/**
 * Subject and text of the mail for a notice, in the recipient's language (users.locale; English
 * when they never chose one). Times are written out in UTC, the one zone every reader shares.
 */
export function noticeMail(notice: Pick<EndpointNotice, "webhookId" | "kind" | "details">, appUrl: string, locale: Locale = DEFAULT_LOCALE) {
  const d = notice.details;
  const t = createTranslator({ locale, messages: MESSAGES[locale], namespace: "notices" });
  const url = d.url ?? notice.webhookId;
  const page = `${appUrl}/dashboard/webhooks/${notice.webhookId}`;
  const when = (iso: string | null | undefined) => (iso ? formatUtc(new Date(iso), locale) : t("unknown"));
  // The error and the reason in the reader's language, from their codes (never the stored English).
  const causes = createTranslator({ locale, messages: MESSAGES[locale], namespace: "causes" });
  const word = (kind: "failure" | "disabled", cause: NoticeDetails["lastErrorCause"] | NoticeDetails["disabledReasonCause"], text: string | null | undefined) => {
    const wording = causeWording(kind, cause, text, locale, when);
    return "text" in wording ? wording.text : causes(wording.key, wording.values);
  };
  // A recovered endpoint's last error is history; the other notices are about it.
  const hasError = Boolean(d.lastError || d.lastErrorCause) && notice.kind !== "recovered";
  const lastError = hasError ? t("lastError", { error: word("failure", d.lastErrorCause, d.lastError) }) : null;
  const hasReason = Boolean(d.disabledReason || d.disabledReasonCause);
  const window = d.disableAfterMs ? formatWindow(Number(d.disableAfterMs), locale) : (d.disableAfter ?? "");
  const values = { url, disablesAt: when(d.disablesAt), failingSince: when(d.failingSince), window };
  const subjects: Record<NoticeKind, string> = {
    failing: t("failing.subject", values),
    disabling: t("disabling.subject", values),
    disabled: t("disabled.subject", values),
    recovered: t("recovered.subject", values),
  };
  const leads: Record<NoticeKind, string> = {
    failing: t("failing.lead", values),
    disabling: t("disabling.lead", values),
    disabled: hasReason
      ? t("disabled.lead", { url, reason: word("disabled", d.disabledReasonCause, d.disabledReason) })
      : t("disabled.leadNoReason", { url }),
    recovered: t("recovered.lead", values),
  };
  const text = [leads[notice.kind], lastError, t("endpoint", { page })].filter(Boolean).join("\n\n");
  return { subject: subjects[notice.kind], text: `${text}\n` };
}

const MESSAGES = { en, es } as const;

export function formatUtc(date: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeStyle: "long", timeZone: "UTC" }).format(date);
}


// --- The clock's part: the "about to be disabled" notice of quiet endpoints -------------------

/**
 * Endpoints failing for half the window whose warning is not out yet get it now (the recorder
 * also warns when a failure arrives past halfway). Returns how many notices it wrote.
 */
export async function checkEndpointHealth(now: Date = new Date(), opts: { accountIds?: string[] } = {}): Promise<number> {
  const db = await getDb();
  const policy: EndpointPolicy = { disableAfterMs: getConfig().disableAfterMs };
  const halfwayBefore = new Date(now.getTime() - Math.floor(policy.disableAfterMs / 2));
  const written = await db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(webhooks)
      .where(
        and(
          eq(webhooks.enabled, true),
          isNotNull(webhooks.failingSince),
          isNull(webhooks.disableWarnedAt),
          lte(webhooks.failingSince, halfwayBefore),
          opts.accountIds ? inArray(webhooks.accountId, opts.accountIds) : undefined,
        ),
      )
      .orderBy(asc(webhooks.id))
      .limit(NOTICE_BATCH)
      .for("update", { skipLocked: true });
    const ids: string[] = [];
    for (const w of due) {
      const decision = decideOnTimer(w, now, policy);
      if (!decision.changed) continue;
      await tx
        .update(webhooks)
        .set({ disableWarnedAt: decision.next.disableWarnedAt })
        .where(and(eq(webhooks.id, w.id), eq(webhooks.accountId, w.accountId)));
      ids.push(...(await insertNotices(tx, w.accountId, w.id, decision.notices, noticeDetails(w.url, decision.next, policy))));
    }
    return ids;
  });
  requestNoticeDispatch(written);
  return written.length;
}

async function insertNotices(
  tx: Queryable,
  accountId: string,
  webhookId: string,
  notices: { kind: NoticeKind; at: Date }[],
  details: NoticeDetails,
): Promise<string[]> {
  if (notices.length === 0) return [];
  const rows = await tx
    .insert(endpointNotices)
    .values(notices.map((n) => ({ id: newId("notice"), accountId, webhookId, kind: n.kind, details, createdAt: n.at })))
    .returning({ id: endpointNotices.id });
  return rows.map((r) => r.id);
}

// --- Sending ---------------------------------------------------------------------------------

export interface DispatchOptions {
  /** Only these notices (the ones a commit just wrote). */
  ids?: string[];
  /** Only these accounts' notices (tests sharing a database). */
  accountIds?: string[];
  /** Only notices due this long already (the periodic sweep). */
  dueForMs?: number;
}

/**
 * Send the notices that are due: the operational event first (written once, in a transaction,
 * then the engine is woken), then the mail. A mail that fails is tried again later with backoff.
 * Returns how many notices were completed.
 */
export async function dispatchNotices(now: Date = new Date(), opts: DispatchOptions = {}): Promise<number> {
  if (opts.ids?.length === 0) return 0;
  const db = await getDb();
  const due = db
    .select({ id: endpointNotices.id })
    .from(endpointNotices)
    .where(
      and(
        isNull(endpointNotices.completedAt),
        lte(endpointNotices.nextAttemptAt, new Date(now.getTime() - (opts.dueForMs ?? 0))),
        or(isNull(endpointNotices.lockedUntil), lt(endpointNotices.lockedUntil, now)),
        opts.ids ? inArray(endpointNotices.id, opts.ids) : undefined,
        opts.accountIds ? inArray(endpointNotices.accountId, opts.accountIds) : undefined,
      ),
    )
    .orderBy(asc(endpointNotices.nextAttemptAt))
    .limit(NOTICE_BATCH)
    .for("update", { skipLocked: true });
  const claimed = await db
    .update(endpointNotices)
    .set({ lockedUntil: new Date(now.getTime() + NOTICE_LEASE_MS) })
    .where(inArray(endpointNotices.id, due))
    .returning();
  let completed = 0;
  for (const notice of claimed.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
    if (await sendNotice(notice)) completed++;
  }
  return completed;
}

async function sendNotice(notice: EndpointNotice): Promise<boolean> {
  const db = await getDb();
  try {
    if (!notice.eventId) await enqueueNoticeEvent(notice);
    const recipients = await db
      .select({ email: users.email, locale: users.locale })
      .from(users)
      .where(eq(users.accountId, notice.accountId));
    // One mail per language, each to the users who read that one, each exactly once: a language
    // whose mail went out is recorded at once, so a retry after a later one failed skips it.
    for (const locale of LOCALES) {
      if (notice.mailedLocales.includes(locale)) continue;
      const readers = recipients.filter((r) => (isLocale(r.locale) ? r.locale : DEFAULT_LOCALE) === locale);
      if (readers.length === 0) continue;
      await sendMail({ to: readers.map((r) => r.email), ...noticeMail(notice, getConfig().appUrl, locale) });
      await db
        .update(endpointNotices)
        .set({ mailedLocales: sql`array_append(${endpointNotices.mailedLocales}, ${locale}::text)` })
        .where(eq(endpointNotices.id, notice.id));
    }
    const now = new Date();
    await db
      .update(endpointNotices)
      .set({ mailedAt: now, completedAt: now, lockedUntil: null, lastSendError: null })
      .where(eq(endpointNotices.id, notice.id));
    return true;
  } catch (err) {
    const attempts = notice.sendAttempts + 1;
    const giveUp = attempts >= MAX_SEND_ATTEMPTS;
    log[giveUp ? "error" : "warn"](giveUp ? "endpoint notice not sent; giving up" : "endpoint notice not sent; will retry", {
      noticeId: notice.id,
      attempts,
      err,
    });
    // 1 min, 2, 4 … capped at an hour.
    const waitMs = Math.min(3_600_000, 60_000 * 2 ** (attempts - 1));
    await db
      .update(endpointNotices)
      .set({
        sendAttempts: attempts,
        lastSendError: err instanceof Error ? err.message : String(err),
        nextAttemptAt: new Date(Date.now() + waitMs),
        lockedUntil: null,
        completedAt: giveUp ? new Date() : null,
      })
      .where(eq(endpointNotices.id, notice.id));
    return false;
  }
}

/** The endpoint.* event to the account's other subscribed endpoints, written once per notice. */
async function enqueueNoticeEvent(notice: EndpointNotice) {
  const db = await getDb();
  const deliveryIds = await db.transaction(async (tx) => {
    // Under the notice's row lock, so a second sender after a lease ran out cannot write it again.
    const [current] = await tx
      .select({ eventId: endpointNotices.eventId })
      .from(endpointNotices)
      .where(eq(endpointNotices.id, notice.id))
      .for("update");
    if (!current || current.eventId) return [];
    const { eventId, deliveryIds } = await enqueueEvent(tx, {
      type: EVENT_OF[notice.kind],
      data: noticeEventData(notice),
      recipientAccountIds: [notice.accountId],
      exceptWebhookId: notice.webhookId,
    });
    await tx.update(endpointNotices).set({ eventId }).where(eq(endpointNotices.id, notice.id));
    return deliveryIds;
  });
  await wakeDeliveryEngine(deliveryIds);
}

/**
 * The periodic part of both engines: halfway warnings (sent at once, like the recorder's), then
 * the notices left due: a mail that failed, or a process that stopped before sending.
 */
export async function runNoticeChecks(now: Date = new Date()) {
  const warned = await checkEndpointHealth(now);
  const sent = await dispatchNotices(now, { dueForMs: SWEEP_GRACE_MS });
  await noticesSettled();
  return { warned, sent };
}

// --- In-process scheduling ---------------------------------------------------------------------

export type NoticeDispatcher = {
  running: Promise<void> | null;
  /** Notice ids written since the running dispatch started. */
  next: string[];
  timer: NodeJS.Timeout | null;
  stopped: boolean;
};
const dispatcher = (): NoticeDispatcher =>
  processSingleton("noticeDispatcher", () => ({ running: null, next: [], timer: null, stopped: true }));

/**
 * Send these just-written notices now, in the background (called after the commit that wrote
 * them). Never throws; a failure is logged and the notice stays due for the periodic sweep.
 */
export function requestNoticeDispatch(ids: string[]): void {
  const d = dispatcher();
  d.next.push(...ids);
  if (d.running || d.next.length === 0) return;
  d.running = (async () => {
    while (d.next.length > 0) await dispatchNotices(new Date(), { ids: d.next.splice(0) });
  })()
    .catch((err) => log.error("sending endpoint notices failed; they stay due", { err }))
    .finally(() => {
      d.running = null;
    });
}

/** Resolves when no dispatch is running in this process (tests, shutdown). */
export async function noticesSettled(): Promise<void> {
  while (dispatcher().running) await dispatcher().running;
}

/** The embedded engine's timer: every minute, halfway warnings and due notices (unref'd). */
export function startNoticeSchedule(opts: { intervalMs?: number } = {}): void {
  const d = dispatcher();
  if (!d.stopped) return;
  d.stopped = false;
  const interval = opts.intervalMs ?? NOTICE_CHECK_INTERVAL_MS;
  const arm = () => {
    if (d.stopped) return;
    d.timer = setTimeout(tick, interval);
    d.timer.unref();
  };
  const tick = () => {
    d.timer = null;
    runNoticeChecks()
      .catch((err) => log.error("checking endpoint health failed; will try again", { err }))
      .finally(arm);
  };
  arm();
}

export async function stopNoticeSchedule(): Promise<void> {
  const d = dispatcher();
  d.stopped = true;
  if (d.timer) clearTimeout(d.timer);
  d.timer = null;
  await noticesSettled();
}

/** Notices of an account's endpoints, newest first (tests and support). */
export async function listNotices(accountId: string) {
  const db = await getDb();
  return db
    .select()
    .from(endpointNotices)
    .where(eq(endpointNotices.accountId, accountId))
    .orderBy(sql`${endpointNotices.createdAt} desc`);
}
