import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { inngest } from "@/inngest/client";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb } from "@/lib/db";
import { accountEvents, deliveries, events, webhooks } from "@/lib/db/schema";
import { createTestAccount } from "@/lib/testing/fixtures";
import { startReceiver } from "@/lib/testing/receiver";
import { createTestWebhook, emitTestEvent, getDelivery, useFastDeliverySettings } from "@/lib/testing/webhook-fixtures";
import { DELIVERY_REQUESTED } from "@/lib/webhooks/engine";
import { EVENT_CATALOGUE } from "@/lib/webhooks/events";
import { enqueueEvent } from "@/lib/webhooks/outbox";
import { DeliveryWorker } from "@/lib/webhooks/worker";
import { decodeEventCursor, encodeEventCursor } from "./cursor";
import { getEvent, listEvents } from "./events";
import { resendEvent } from "./resend";
import { listEventsQuery } from "./schemas";

// The events API's domain functions on the real database (PGlite, and PostgreSQL when
// DATABASE_URL is set); resend is delivered for real by the embedded worker to a loopback
// receiver, and handed to Inngest as the deliver-webhook function's event.

beforeAll(async () => {
  useFastDeliverySettings();
  resetConfigForTests();
  await getDb();
});
afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.WEBHOOK_ENGINE;
  resetConfigForTests();
});
afterAll(async () => {
  resetConfigForTests();
  await closeDb();
});

const query = (q: Record<string, string> = {}) => listEventsQuery.parse(q);
const URL_A = "https://receiver.example.test/a";

async function accountWithEvents(n: number, type: keyof typeof EVENT_CATALOGUE = "conversion.created") {
  const { account } = await createTestAccount("advertiser");
  const { webhookId } = await createTestWebhook(account.id, URL_A, { events: ["conversion.created", "conversion.approved"] });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await emitTestEvent(account.id, type, { wake: false })).eventId);
  return { accountId: account.id, webhookId, ids };
}

/** Every page of a listing, following nextCursor. */
async function allPages(accountId: string, q: Record<string, string>) {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await listEvents(accountId, query({ ...q, ...(cursor ? { cursor } : {}) }));
    seen.push(...page.data.map((e) => e.id));
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return { seen, pages };
}

describe("listing an account's events", () => {
  it("pages through every event newest first, without gaps or duplicates, also when several share a timestamp", async () => {
    const { accountId, ids } = await accountWithEvents(7);
    // Three events in the same microsecond: the id breaks the tie.
    const db = await getDb();
    const same = new Date();
    for (const id of ids.slice(2, 5)) await db.update(accountEvents).set({ createdAt: same }).where(eq(accountEvents.eventId, id));
    const { seen, pages } = await allPages(accountId, { limit: "2" });
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(7);
    expect([...seen].sort()).toEqual([...ids].sort());
    const whole = await listEvents(accountId, query({ limit: "100" }));
    expect(whole.data.map((e) => e.id)).toEqual(seen);
    expect(whole.nextCursor).toBeNull();
    const times = whole.data.map((e) => new Date(e.createdAt).getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("carries the payload exactly as sent and a per-endpoint summary of the newest delivery", async () => {
    const { accountId, webhookId, ids } = await accountWithEvents(1);
    const [event] = (await listEvents(accountId, query())).data;
    const db = await getDb();
    const [stored] = await db.select().from(events).where(eq(events.id, ids[0]!));
    expect(event!.payload).toEqual(JSON.parse(stored!.body));
    expect(event!.type).toBe("conversion.created");
    expect(event!.endpoints).toEqual([
      expect.objectContaining({ webhookId, status: "pending", deliveries: 1, attemptCount: 0, lastStatusCode: null }),
    ]);
  });

  it("filters by type, by time and by an endpoint's delivery status", async () => {
    const { accountId, ids } = await accountWithEvents(3);
    const approved = (await emitTestEvent(accountId, "conversion.approved", { wake: false })).eventId;
    expect((await listEvents(accountId, query({ type: "conversion.approved" }))).data.map((e) => e.id)).toEqual([approved]);

    const db = await getDb();
    const old = new Date(Date.now() - 3 * 86_400_000);
    await db.update(accountEvents).set({ createdAt: old }).where(eq(accountEvents.eventId, ids[0]!));
    const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
    const before = (await listEvents(accountId, query({ before: dayAgo }))).data.map((e) => e.id);
    expect(before).toEqual([ids[0]]);
    const after = (await listEvents(accountId, query({ after: dayAgo }))).data.map((e) => e.id);
    expect(after.sort()).toEqual([ids[1], ids[2], approved].sort());

    const [failed] = await db.select().from(deliveries).where(eq(deliveries.eventId, ids[1]!));
    await db.update(deliveries).set({ status: "failed", nextAttemptAt: null, completedAt: new Date() }).where(eq(deliveries.id, failed!.id));
    expect((await listEvents(accountId, query({ deliveryStatus: "failed" }))).data.map((e) => e.id)).toEqual([ids[1]]);
    expect((await listEvents(accountId, query({ deliveryStatus: "pending" }))).data.map((e) => e.id)).not.toContain(ids[1]);
  });

  it("shows only the retention window", async () => {
    const { accountId, ids } = await accountWithEvents(2);
    const db = await getDb();
    await db.update(accountEvents).set({ createdAt: new Date(Date.now() - 31 * 86_400_000) }).where(eq(accountEvents.eventId, ids[0]!));
    expect((await listEvents(accountId, query())).data.map((e) => e.id)).toEqual([ids[1]]);
    // Even asked for explicitly.
    expect((await listEvents(accountId, query({ after: "2000-01-01T00:00:00Z" }))).data.map((e) => e.id)).toEqual([ids[1]]);
  });

  it("searches by event id, delivery id, conversion id and externalId", async () => {
    const { account } = await createTestAccount("advertiser");
    const { webhookId } = await createTestWebhook(account.id, URL_A);
    const db = await getDb();
    const data = { ...EVENT_CATALOGUE["conversion.created"].sample, id: "conv_searchme0000000001", externalId: "order-search-42" };
    const { eventId, deliveryIds } = await db.transaction((tx) =>
      enqueueEvent(tx, { type: "conversion.created", data, recipientAccountIds: [account.id] }),
    );
    await emitTestEvent(account.id, "conversion.created", { wake: false }); // another one, never matched
    for (const q of [eventId, deliveryIds[0]!, "conv_searchme0000000001", "order-search-42"]) {
      expect((await listEvents(account.id, query({ q }))).data.map((e) => e.id), q).toEqual([eventId]);
    }
    expect((await listEvents(account.id, query({ q: "order-nothing" }))).data).toEqual([]);
    expect(webhookId).toBeTruthy();
  });

  it("an event goes to each recipient account, and one account never sees another's", async () => {
    const [{ account: a }, { account: b }, { account: outsider }] = await Promise.all([
      createTestAccount("advertiser"),
      createTestAccount("affiliate"),
      createTestAccount("advertiser"),
    ]);
    const db = await getDb();
    // Outside the transaction: PGlite is one connection, a second query inside it would wait forever.
    await createTestWebhook(a.id, URL_A);
    const { eventId, deliveryIds } = await db.transaction((tx) =>
      enqueueEvent(tx, { type: "conversion.created", data: EVENT_CATALOGUE["conversion.created"].sample, recipientAccountIds: [a.id, b.id] }),
    );
    // b has no endpoint, still the event is b's to see (and to resend once it has one).
    expect((await listEvents(b.id, query())).data.map((e) => [e.id, e.endpoints.length])).toEqual([[eventId, 0]]);
    expect((await listEvents(outsider.id, query())).data).toEqual([]);
    expect((await listEvents(outsider.id, query({ q: deliveryIds[0]! }))).data).toEqual([]);
    await expect(getEvent(outsider.id, eventId)).rejects.toMatchObject({ code: "not_found" });
    await expect(resendEvent(outsider.id, eventId, {})).rejects.toMatchObject({ code: "not_found" });
    // a's endpoint is not b's: b cannot name it.
    const [aHook] = await db.select().from(webhooks).where(eq(webhooks.accountId, a.id));
    await expect(resendEvent(b.id, eventId, { webhookId: aHook!.id })).rejects.toMatchObject({ code: "not_found" });
  });

  it("refuses bad query values with field errors, and a forged cursor", async () => {
    for (const [field, value] of [
      ["type", "conversion.nope"],
      ["after", "yesterday"],
      ["before", "2026-02-30T00:00:00Z"],
      ["deliveryStatus", "lost"],
      ["limit", "0"],
      ["limit", "101"],
      ["limit", "ten"],
    ]) {
      const parsed = listEventsQuery.safeParse({ [field!]: value });
      expect(parsed.success, `${field}=${value}`).toBe(false);
      expect(parsed.error!.issues[0]!.path, `${field}=${value}`).toEqual([field]);
    }
    expect(listEventsQuery.safeParse({ after: "2026-01-02T00:00:00Z", before: "2026-01-01T00:00:00Z" }).success).toBe(false);
    const { accountId } = await accountWithEvents(1);
    for (const cursor of ["garbage", Buffer.from("0000-01-01T00:00:00.000000Z|evt_abc").toString("base64url"), encodeEventCursor("2026-01-01T00:00:00.000000Z", "dlv_abc")]) {
      await expect(listEvents(accountId, query({ cursor }))).rejects.toMatchObject({ code: "unprocessable" });
    }
    expect(decodeEventCursor(encodeEventCursor("2026-01-01T00:00:00.123456Z", "evt_abc"))).toEqual({ createdAt: "2026-01-01T00:00:00.123456Z", eventId: "evt_abc" });
  });
});

describe("getting one event", () => {
  it("has every delivery of it to the account's endpoints, with attempts, and 404 for what is not there", async () => {
    const { accountId, webhookId, ids } = await accountWithEvents(1);
    const event = await getEvent(accountId, ids[0]!);
    expect(event.deliveries.map((d) => d.webhookId)).toEqual([webhookId]);
    expect(event.deliveries[0]!.attempts).toEqual([]);
    await expect(getEvent(accountId, "evt_00000000000000000000")).rejects.toMatchObject({ code: "not_found" });
    await expect(getEvent(accountId, "not an id")).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("resending an event", () => {
  it("to every subscribed, enabled endpoint: a new delivery each, with a new id, and the summary follows the newest", async () => {
    const { account } = await createTestAccount("advertiser");
    const a = await createTestWebhook(account.id, URL_A);
    const b = await createTestWebhook(account.id, "https://receiver.example.test/b");
    await createTestWebhook(account.id, "https://receiver.example.test/c", { events: ["conversion.approved"] });
    await createTestWebhook(account.id, "https://receiver.example.test/d", { enabled: false });
    const { eventId, deliveryIds } = await emitTestEvent(account.id, "conversion.created", { wake: false });
    const resent = await resendEvent(account.id, eventId, {});
    expect(resent.eventId).toBe(eventId);
    expect(resent.deliveries.map((d) => d.webhookId).sort()).toEqual([a.webhookId, b.webhookId].sort());
    for (const d of resent.deliveries) expect(deliveryIds).not.toContain(d.id);
    const event = await getEvent(account.id, eventId);
    expect(event.deliveries).toHaveLength(deliveryIds.length + 2);
    const summaryOfA = event.endpoints.find((e) => e.webhookId === a.webhookId)!;
    expect(summaryOfA.deliveries).toBe(2);
    expect(summaryOfA.deliveryId).toBe(resent.deliveries.find((d) => d.webhookId === a.webhookId)!.id);
  });

  it("to one endpoint; one no longer subscribed, disabled or unknown is a clear error", async () => {
    const { account } = await createTestAccount("advertiser");
    const a = await createTestWebhook(account.id, URL_A);
    const b = await createTestWebhook(account.id, "https://receiver.example.test/b");
    const { eventId } = await emitTestEvent(account.id, "conversion.created", { wake: false });
    const one = await resendEvent(account.id, eventId, { webhookId: b.webhookId });
    expect(one.deliveries.map((d) => d.webhookId)).toEqual([b.webhookId]);

    const db = await getDb();
    await db.update(webhooks).set({ events: ["conversion.approved"] }).where(eq(webhooks.id, a.webhookId));
    await expect(resendEvent(account.id, eventId, { webhookId: a.webhookId })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining("not subscribed to conversion.created"),
    });
    await db.update(webhooks).set({ enabled: false }).where(eq(webhooks.id, b.webhookId));
    await expect(resendEvent(account.id, eventId, { webhookId: b.webhookId })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining("disabled"),
    });
    // Now nothing is subscribed and enabled: resending to all says so instead of doing nothing.
    await expect(resendEvent(account.id, eventId, {})).rejects.toMatchObject({ code: "conflict" });
    await expect(resendEvent(account.id, eventId, { webhookId: "wh_00000000000000000000" })).rejects.toMatchObject({ code: "not_found" });
    await expect(resendEvent(account.id, "evt_00000000000000000000", {})).rejects.toMatchObject({ code: "not_found" });
  });

  it("is delivered by the embedded worker to a real receiver, signed, with a new webhook-id", async () => {
    const receiver = await startReceiver();
    const { account } = await createTestAccount("advertiser");
    const worker = new DeliveryWorker({ accountIds: [account.id], pollMs: 60_000 });
    try {
      const { secrets } = await createTestWebhook(account.id, receiver.url);
      receiver.setSecrets(secrets);
      await worker.start();
      const { eventId, deliveryIds } = await emitTestEvent(account.id);
      await receiver.waitFor(1);
      const { deliveries: [again] } = await resendEvent(account.id, eventId, {});
      const [first, second] = await receiver.waitFor(2);
      expect(first!.webhookId).toBe(deliveryIds[0]);
      expect(second!.webhookId).toBe(again!.id);
      expect(second!.webhookId).not.toBe(first!.webhookId);
      expect(second!.body).toBe(first!.body);
      expect(second!.signatureValid).toEqual([true]);
      expect(second!.standardValid).toEqual([true]);
      await expect.poll(async () => (await getDelivery(again!.id)).status, { timeout: 10_000 }).toBe("succeeded");
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });

  it("under the inngest engine, sends the deliver-webhook function's event for each new delivery", async () => {
    process.env.WEBHOOK_ENGINE = "inngest";
    resetConfigForTests();
    const send = vi.spyOn(inngest, "send").mockResolvedValue({ ids: ["x"] });
    const { account } = await createTestAccount("advertiser");
    const { webhookId } = await createTestWebhook(account.id, URL_A);
    const { eventId } = await emitTestEvent(account.id, "conversion.created", { wake: false });
    const { deliveries: [again] } = await resendEvent(account.id, eventId, { webhookId });
    const sent = send.mock.calls.flatMap((c) => c[0] as unknown as { name: string; id: string; data: unknown }[]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      name: DELIVERY_REQUESTED,
      id: expect.stringMatching(new RegExp(`^${again!.id}:a0:v\\d+$`)),
      data: { deliveryId: again!.id, webhookId, accountId: account.id },
    });
  });
});
