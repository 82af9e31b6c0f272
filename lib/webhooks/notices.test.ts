import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { and, eq, like } from "drizzle-orm";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb } from "@/lib/db";
import { deliveries, endpointNotices, users } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { log } from "@/lib/log";
import { createTestAccount } from "@/lib/testing/fixtures";
import { startReceiver, type Receiver } from "@/lib/testing/receiver";
import { startSmtpSink, type SmtpSink } from "@/lib/testing/smtp";
import { createTestWebhook, emitTestEvent, getDelivery, getWebhook, useFastDeliverySettings } from "@/lib/testing/webhook-fixtures";
import { processDelivery, type ProcessResult } from "./delivery";
import { OPERATIONAL_EVENT_TYPES } from "./events";
import { checkEndpointHealth, dispatchNotices, formatUtc, listNotices, noticesSettled } from "./notices";
import { getWebhook as getWebhookResource, updateWebhook } from "./webhooks";

// Every notice end to end: the state machine (driven with a settable clock, so days pass at
// once) changes the endpoint's health; the notice is mailed through a real SMTP server on
// loopback and sent as an operational webhook to the account's other endpoint, whose real
// receiver verifies its signatures.

const DAY = 86_400_000;
let smtp: SmtpSink;
let failingReceiver: Receiver;
let opsReceiver: Receiver;
let accountId: string;
let email: string;

beforeAll(async () => {
  smtp = await startSmtpSink();
});
beforeEach(async () => {
  useFastDeliverySettings({
    WEBHOOK_RETRY_DELAYS_MS: "1",
    WEBHOOK_DISABLE_AFTER: "3d",
    SMTP_URL: smtp.url,
    EMAIL_FROM: "Webhooks <webhooks@partnersmy.test>",
    APP_URL: "https://app.partnersmy.test",
  });
  resetConfigForTests();
  ({
    account: { id: accountId },
    email,
  } = await createTestAccount("advertiser"));
  failingReceiver = await startReceiver();
  failingReceiver.respondWith({ status: 500, body: "down" });
  opsReceiver = await startReceiver();
  smtp.refuse(false);
  smtp.received.length = 0;
});
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all([failingReceiver.close(), opsReceiver.close()]);
  for (const key of ["SMTP_URL", "EMAIL_FROM", "APP_URL", "WEBHOOK_DISABLE_AFTER"]) delete process.env[key];
  resetConfigForTests();
});
afterAll(async () => {
  await smtp.close();
  await closeDb();
});

/** The endpoint that fails (subscribed to the operational events too) and one that listens for them. */
async function setUp() {
  const failing = await createTestWebhook(accountId, failingReceiver.url, {
    events: ["conversion.created", ...OPERATIONAL_EVENT_TYPES],
  });
  failingReceiver.setSecrets(failing.secrets);
  const ops = await createTestWebhook(accountId, opsReceiver.url, { events: [...OPERATIONAL_EVENT_TYPES] });
  opsReceiver.setSecrets(ops.secrets);
  return { failingId: failing.webhookId, opsId: ops.webhookId };
}

/** A new conversion.created delivery to `webhookId`, driven to its end with the clock at `atMs` (never before it was created). */
async function deliverAt(webhookId: string, atMs: number): Promise<ProcessResult> {
  const { deliveries: created } = await emitTestEvent(accountId, "conversion.created", { wake: false });
  const deliveryId = created!.find((d) => d.webhookId === webhookId)!.id;
  let tick = Math.max(atMs, Date.now());
  let r: ProcessResult;
  do r = await processDelivery(deliveryId, { owner: "notices-test", now: () => new Date((tick += 10)) });
  while (r.status === "pending");
  return r;
}

/** Mail is sent after the recorder's commit, in the background; then the ops endpoint's deliveries. */
async function deliverNotices(opsId: string) {
  await noticesSettled();
  const db = await getDb();
  const pending = await db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(and(eq(deliveries.webhookId, opsId), eq(deliveries.status, "pending")));
  for (const { id } of pending) expect(await processDelivery(id, { owner: "notices-test" })).toMatchObject({ status: "succeeded" });
}

function opsEvents() {
  return opsReceiver.received.map((r) => {
    expect(r.signatureValid).toEqual([true]);
    expect(r.standardValid).toEqual([true]);
    return JSON.parse(r.body) as { event: string; data: Record<string, unknown> };
  });
}

describe("endpoint notices", () => {
  it("mails and sends each change once: failing, recovered, failing again, about to be disabled, disabled", async () => {
    const { failingId, opsId } = await setUp();
    const t0 = Date.now();

    // 1. The first exhausted delivery: failing.
    expect(await deliverAt(failingId, t0)).toMatchObject({ status: "failed" });
    await deliverNotices(opsId);
    expect(smtp.received).toHaveLength(1);
    const failingMail = smtp.received[0]!;
    expect(failingMail.to).toEqual([email]);
    expect(failingMail.from).toBe("webhooks@partnersmy.test");
    expect(failingMail.subject).toBe(`Your webhook endpoint ${failingReceiver.url} is failing`);
    expect(failingMail.text).toContain("Last error: The receiver answered HTTP 500.");
    expect(failingMail.text).toContain(`https://app.partnersmy.test/dashboard/webhooks/${failingId}`);
    const [failingEvent] = opsEvents();
    expect(failingEvent).toMatchObject({
      event: "endpoint.failing",
      data: { id: failingId, type: "endpoint", amount: null, status: "failing", stage: "started", url: failingReceiver.url, lastError: "Receiver answered HTTP 500" },
    });
    expect(Date.parse(String(failingEvent!.data.disablesAt)) - Date.parse(String(failingEvent!.data.failingSince))).toBe(3 * DAY);

    // A second exhausted delivery in the same stretch: nothing new.
    await deliverAt(failingId, t0 + 3_600_000);
    await deliverNotices(opsId);
    expect(smtp.received).toHaveLength(1);

    // 2. A success: recovered.
    failingReceiver.respondWith({ status: 200 });
    expect(await deliverAt(failingId, t0 + 2 * 3_600_000)).toMatchObject({ status: "succeeded" });
    await deliverNotices(opsId);
    expect(smtp.received.map((m) => m.subject)).toEqual([
      `Your webhook endpoint ${failingReceiver.url} is failing`,
      `Your webhook endpoint ${failingReceiver.url} has recovered`,
    ]);
    expect(opsEvents().at(-1)).toMatchObject({ event: "endpoint.recovered", data: { id: failingId, status: "healthy", failingSince: null } });

    // 3. Failing again: a new stretch, a new notice.
    failingReceiver.respondWith({ status: 503 });
    const start = t0 + 3 * 3_600_000;
    await deliverAt(failingId, start);
    await deliverNotices(opsId);
    expect(smtp.received).toHaveLength(3);
    const since = (await getWebhook(failingId)).failingSince!.getTime();

    // 4. Halfway through the window with no delivery finishing: the timer's warning, once.
    expect(await checkEndpointHealth(new Date(since + 1.5 * DAY - 1), { accountIds: [accountId] })).toBe(0);
    expect(await checkEndpointHealth(new Date(since + 1.5 * DAY), { accountIds: [accountId] })).toBe(1);
    expect(await checkEndpointHealth(new Date(since + 2 * DAY), { accountIds: [accountId] })).toBe(0);
    await deliverNotices(opsId);
    expect(smtp.received).toHaveLength(4);
    const warning = smtp.received[3]!;
    expect(warning.subject).toBe(`Your webhook endpoint ${failingReceiver.url} will be disabled on ${formatUtc(new Date(since + 3 * DAY), "en")}`);
    expect(warning.text).toContain("Last error: The receiver answered HTTP 503.");
    expect(opsEvents().at(-1)).toMatchObject({ event: "endpoint.failing", data: { stage: "disabling_soon" } });
    expect((await getWebhook(failingId)).enabled).toBe(true);

    // 5. The first delivery exhausted a full window after the stretch began: disabled.
    await deliverAt(failingId, since + 3 * DAY);
    await deliverNotices(opsId);
    expect(smtp.received).toHaveLength(5);
    expect(smtp.received[4]!.subject).toBe(`Your webhook endpoint ${failingReceiver.url} was disabled`);
    expect(smtp.received[4]!.text).toMatch(/every delivery failed for 3 days/);
    const disabledEvent = opsEvents().at(-1)!;
    expect(disabledEvent).toMatchObject({ event: "endpoint.disabled", data: { id: failingId, status: "disabled", disablesAt: null } });
    expect(String(disabledEvent.data.disabledReason)).toMatch(/every delivery failed for 3 days/);
    const resource = await getWebhookResource(accountId, failingId);
    expect(resource).toMatchObject({ enabled: false, lastError: "Receiver answered HTTP 503", disablesAt: null });

    // Held, as before: a new event is kept for the disabled endpoint, not sent.
    const heldBefore = failingReceiver.received.length;
    const { deliveries: later } = await emitTestEvent(accountId, "conversion.created", { wake: false });
    const held = later!.find((d) => d.webhookId === failingId)!.id;
    expect(await processDelivery(held, { owner: "notices-test" })).toEqual({ status: "skipped", reason: "webhook_disabled" });
    expect(failingReceiver.received).toHaveLength(heldBefore);
    expect(await getDelivery(held)).toMatchObject({ status: "pending" });

    // Never to the endpoint the event is about; every notice is complete.
    expect(opsEvents().map((e) => e.event)).toEqual([
      "endpoint.failing",
      "endpoint.recovered",
      "endpoint.failing",
      "endpoint.failing",
      "endpoint.disabled",
    ]);
    const db = await getDb();
    const aboutItself = await db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.webhookId, failingId), like(deliveries.eventType, "endpoint.%")));
    expect(aboutItself).toEqual([]);
    const notices = await listNotices(accountId);
    expect(notices.map((n) => n.kind).reverse()).toEqual(["failing", "recovered", "failing", "disabling", "disabled"]);
    expect(notices.every((n) => n.completedAt && n.mailedAt && n.eventId)).toBe(true);
  });

  it("re-enabling starts the endpoint healthy and says nothing; 410 Gone disables at once with a notice", async () => {
    const { failingId, opsId } = await setUp();
    failingReceiver.respondWith({ status: 410 });
    expect(await deliverAt(failingId, Date.now())).toEqual({ status: "failed", attemptNumber: 1 });
    await deliverNotices(opsId);
    expect(smtp.received.map((m) => m.subject)).toEqual([`Your webhook endpoint ${failingReceiver.url} was disabled`]);
    expect(smtp.received[0]!.text).toMatch(/410 Gone/);
    expect(opsEvents().map((e) => e.event)).toEqual(["endpoint.disabled"]);

    const enabled = await updateWebhook(accountId, failingId, { enabled: true });
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null, failingSince: null, disablesAt: null });
    await noticesSettled();
    expect(smtp.received).toHaveLength(1);
  });

  it("keeps a notice that the SMTP server refused, records the delivery anyway, and mails it on a later run", async () => {
    const { failingId, opsId } = await setUp();
    smtp.refuse(true);
    expect(await deliverAt(failingId, Date.now())).toMatchObject({ status: "failed" });
    await noticesSettled();
    // The bookkeeping did not wait for the mail: delivery failed, endpoint failing.
    expect((await getWebhook(failingId)).failingSince).not.toBeNull();
    const [notice] = await listNotices(accountId);
    expect(notice).toMatchObject({ kind: "failing", mailedAt: null, completedAt: null, sendAttempts: 1 });
    expect(notice!.lastSendError).toMatch(/451/);
    expect(notice!.eventId).not.toBeNull();
    expect(smtp.received).toHaveLength(0);

    // Not due again until its backoff has passed; then it goes out, and the event is not repeated.
    smtp.refuse(false);
    expect(await dispatchNotices(new Date(), { accountIds: [accountId] })).toBe(0);
    expect(await dispatchNotices(new Date(Date.now() + 61_000), { accountIds: [accountId] })).toBe(1);
    expect(smtp.received.map((m) => m.subject)).toEqual([`Your webhook endpoint ${failingReceiver.url} is failing`]);
    await deliverNotices(opsId);
    expect(opsEvents().map((e) => e.event)).toEqual(["endpoint.failing"]);
    const db = await getDb();
    const [row] = await db.select().from(endpointNotices).where(eq(endpointNotices.id, notice!.id));
    expect(row).toMatchObject({ sendAttempts: 1, lastSendError: null });
    expect(row!.completedAt).not.toBeNull();
  });

  it("writes the mail to the server log when SMTP_URL is not set", async () => {
    delete process.env.SMTP_URL;
    resetConfigForTests();
    const lines: { msg: string; fields?: Record<string, unknown> }[] = [];
    vi.spyOn(log, "info").mockImplementation((msg, fields) => void lines.push({ msg, fields }));
    const { failingId } = await setUp();
    await deliverAt(failingId, Date.now());
    await noticesSettled();
    const logged = lines.filter((l) => l.msg.startsWith("mail")).map((l) => l.fields)[0];
    expect(logged).toMatchObject({ to: [email], subject: `Your webhook endpoint ${failingReceiver.url} is failing` });
    expect(smtp.received).toHaveLength(0);
    expect((await listNotices(accountId))[0]).toMatchObject({ kind: "failing" });
    expect((await listNotices(accountId))[0]!.mailedAt).not.toBeNull();
  });

  it("mails each user in the language of their profile: Spanish to those who chose it, English to the rest", async () => {
    const db = await getDb();
    const spanish = `es-${accountId}@example.test`;
    await db.insert(users).values({ id: newId("user"), accountId, email: spanish, name: "Lectora", passwordHash: "x", locale: "es" });
    const { failingId } = await setUp();
    await deliverAt(failingId, Date.now());
    await noticesSettled();
    const byRecipient = new Map(smtp.received.map((m) => [m.to.join(), m]));
    expect([...byRecipient.keys()].sort()).toEqual([email, spanish].sort());
    expect(byRecipient.get(email)!.subject).toBe(`Your webhook endpoint ${failingReceiver.url} is failing`);
    const es = byRecipient.get(spanish)!;
    expect(es.subject).toBe(`Tu endpoint de webhook ${failingReceiver.url} está fallando`);
    expect(es.text).toContain("Si todas las entregas siguen fallando durante 3 días");
    expect(es.text).toContain("Último error: El receptor respondió HTTP 500.");
    expect(es.text).not.toContain("Receiver answered");
    expect(es.text).toContain(`https://app.partnersmy.test/dashboard/webhooks/${failingId}`);
    expect(es.text).not.toMatch(/failed every retry|will be disabled/);
  });

  it("tells a Spanish reader why the endpoint was disabled in Spanish, from the reason's code", async () => {
    const db = await getDb();
    await db.update(users).set({ locale: "es" }).where(eq(users.accountId, accountId));
    const { failingId, opsId } = await setUp();
    const t0 = Date.now();
    // Failing for the whole window: disabled automatically.
    await deliverAt(failingId, t0);
    const since = (await getWebhook(failingId)).failingSince!;
    await deliverAt(failingId, since.getTime() + 3 * DAY);
    await deliverNotices(opsId);
    const disabled = smtp.received.find((m) => m.subject === `Tu endpoint de webhook ${failingReceiver.url} se desactivó`)!;
    expect(disabled, "the Spanish disabled notice").toBeDefined();
    expect(disabled.text).toContain(
      `Motivo: Se desactivó automáticamente: todas las entregas fallaron durante 3 días (desde el ${formatUtc(since, "es")}).`,
    );
    expect(disabled.text).toContain("Último error: El receptor respondió HTTP 500.");
    expect(disabled.text).not.toMatch(/en inglés|Disabled automatically|every delivery|Receiver answered/);
    // The code is stored beside the English text, which the API keeps.
    const resource = await getWebhookResource(accountId, failingId);
    expect(resource).toMatchObject({
      disabledReason: expect.stringMatching(/^Disabled automatically: every delivery failed for 3 days/),
      disabledReasonCause: { code: "failing_too_long", params: { windowMs: 3 * DAY, since: since.toISOString() } },
      lastErrorCause: { code: "http_status", params: { status: 500 } },
    });
  });

  it("says 410 Gone in Spanish too", async () => {
    const db = await getDb();
    await db.update(users).set({ locale: "es" }).where(eq(users.accountId, accountId));
    const { failingId, opsId } = await setUp();
    failingReceiver.respondWith({ status: 410 });
    await deliverAt(failingId, Date.now());
    await deliverNotices(opsId);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.text).toMatch(/Motivo: Se desactivó automáticamente: el endpoint respondió 410 Gone el .+\. Vuelve a activarlo/);
    expect(smtp.received[0]!.text).not.toMatch(/en inglés|Disabled automatically/);
  });

  it("mails each language exactly once: a retry after one language's mail failed sends only that one", async () => {
    const db = await getDb();
    const spanish = `es-once-${accountId}@example.test`;
    await db.insert(users).values({ id: newId("user"), accountId, email: spanish, name: "Lectora", passwordHash: "x", locale: "es" });
    const { failingId, opsId } = await setUp();
    // English goes first and is accepted; the Spanish mail is refused once.
    smtp.refuseNextTo(spanish);
    await deliverAt(failingId, Date.now());
    await noticesSettled();
    const [notice] = await listNotices(accountId);
    expect(notice).toMatchObject({ kind: "failing", completedAt: null, sendAttempts: 1, mailedLocales: ["en"] });
    expect(smtp.received.map((m) => m.to)).toEqual([[email]]);

    // The retry, once its backoff has passed: only the Spanish mail goes out.
    expect(await dispatchNotices(new Date(Date.now() + 61_000), { accountIds: [accountId] })).toBe(1);
    expect(smtp.received.map((m) => m.to)).toEqual([[email], [spanish]]);
    expect(smtp.received[1]!.subject).toBe(`Tu endpoint de webhook ${failingReceiver.url} está fallando`);
    const [done] = await listNotices(accountId);
    expect(done).toMatchObject({ mailedLocales: ["en", "es"], lastSendError: null });
    expect(done!.completedAt).not.toBeNull();

    // Nothing more on later runs; the operational event went out once.
    expect(await dispatchNotices(new Date(Date.now() + 3_600_000), { accountIds: [accountId] })).toBe(0);
    expect(smtp.received).toHaveLength(2);
    await deliverNotices(opsId);
    expect(opsEvents().map((e) => e.event)).toEqual(["endpoint.failing"]);
  });
});
