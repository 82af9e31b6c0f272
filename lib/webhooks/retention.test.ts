import { InngestTestEngine } from "@inngest/test";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { pruneDeliveriesFunction } from "@/inngest/functions/prune-deliveries";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb } from "@/lib/db";
import { deliveries, deliveryAttempts, events, idempotencyKeys, type Delivery } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { createTestAccount } from "@/lib/testing/fixtures";
import { createTestWebhook, emitTestEvent } from "@/lib/testing/webhook-fixtures";
import { enqueueEvent } from "./outbox";
import { EVENT_CATALOGUE } from "./events";
import { pruneDeliveries, startRetentionSchedule, stopRetentionSchedule } from "./retention";

// The database may be shared with other test files running at the same time: every prune here
// runs at the real "now", and the rows meant to go are back-dated past the window (30 days).

const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

beforeAll(async () => {
  delete process.env.WEBHOOK_RETENTION_DAYS;
  resetConfigForTests();
  await getDb();
});
afterAll(async () => {
  await stopRetentionSchedule();
  await closeDb();
});

async function accountWithEndpoint() {
  const { account } = await createTestAccount("advertiser");
  await createTestWebhook(account.id, "https://receiver.example.test/in");
  return account.id;
}

/** One delivery in `status`, created (and finished) `ageDays` ago, with `attempts` attempts. */
async function delivery(accountId: string, status: Delivery["status"], ageDays: number, attempts = 1) {
  const db = await getDb();
  const { deliveryIds, eventId } = await emitTestEvent(accountId, "conversion.created", { wake: false });
  const id = deliveryIds[0]!;
  const at = daysAgo(ageDays);
  await db.update(events).set({ createdAt: at }).where(eq(events.id, eventId));
  await db
    .update(deliveries)
    .set({ status, createdAt: at, updatedAt: at, completedAt: status === "pending" ? null : at, attemptCount: attempts })
    .where(eq(deliveries.id, id));
  if (attempts > 0)
    await db.insert(deliveryAttempts).values(
      Array.from({ length: attempts }, (_, i) => ({
        id: newId("attempt"),
        deliveryId: id,
        number: i + 1,
        startedAt: at,
        durationMs: 10,
        statusCode: status === "succeeded" && i === attempts - 1 ? 200 : 500,
        requestHeaders: {},
      })),
    );
  return { id, eventId };
}

async function existingDeliveries(ids: string[]) {
  const db = await getDb();
  const rows = await db.select({ id: deliveries.id }).from(deliveries).where(inArray(deliveries.id, ids));
  return new Set(rows.map((r) => r.id));
}

async function existingEvents(ids: string[]) {
  const db = await getDb();
  const rows = await db.select({ id: events.id }).from(events).where(inArray(events.id, ids));
  return new Set(rows.map((r) => r.id));
}

async function attemptCount(deliveryIds: string[]) {
  const db = await getDb();
  const rows = await db.select({ id: deliveryAttempts.id }).from(deliveryAttempts).where(inArray(deliveryAttempts.deliveryId, deliveryIds));
  return rows.length;
}

describe("pruneDeliveries", () => {
  it("deletes finished deliveries past retention with their attempts; pending and recent ones stay", async () => {
    const accountId = await accountWithEndpoint();
    const otherAccountId = await accountWithEndpoint();
    const oldSucceeded = await delivery(accountId, "succeeded", 31, 2);
    const oldFailed = await delivery(accountId, "failed", 45, 4);
    const oldPending = await delivery(accountId, "pending", 90, 3);
    const recentSucceeded = await delivery(accountId, "succeeded", 29);
    const recentFailed = await delivery(accountId, "failed", 1, 4);
    const otherRecent = await delivery(otherAccountId, "succeeded", 2);
    const otherRecentPending = await delivery(otherAccountId, "pending", 0, 0);
    // Created long ago but replayed and finished yesterday: it counts from when it finished.
    const replayed = await delivery(accountId, "succeeded", 60, 5);
    const db = await getDb();
    await db.update(deliveries).set({ completedAt: daysAgo(1), updatedAt: daysAgo(1) }).where(eq(deliveries.id, replayed.id));

    const result = await pruneDeliveries();

    const kept = await existingDeliveries([
      oldSucceeded.id, oldFailed.id, oldPending.id, recentSucceeded.id, recentFailed.id, otherRecent.id, otherRecentPending.id, replayed.id,
    ]);
    expect(kept).toEqual(new Set([oldPending.id, recentSucceeded.id, recentFailed.id, otherRecent.id, otherRecentPending.id, replayed.id]));
    expect(await attemptCount([oldSucceeded.id, oldFailed.id])).toBe(0);
    expect(await attemptCount([oldPending.id])).toBe(3);
    expect(await attemptCount([recentFailed.id])).toBe(4);
    expect(await attemptCount([replayed.id])).toBe(5);
    expect(result.deliveries).toBeGreaterThanOrEqual(2);
    // Their events had no other delivery: gone too. The pending one's event stays.
    const eventsKept = await existingEvents([oldSucceeded.eventId, oldFailed.eventId, oldPending.eventId, recentSucceeded.eventId, replayed.eventId]);
    expect(eventsKept).toEqual(new Set([oldPending.eventId, recentSucceeded.eventId, replayed.eventId]));
  });

  it("deletes old events no delivery references; recent ones and referenced ones stay", async () => {
    const accountId = await accountWithEndpoint();
    const db = await getDb();
    const orphan = async (ageDays: number) => {
      // An event nobody was subscribed to: no delivery at all.
      const { eventId } = await db.transaction((tx) =>
        enqueueEvent(tx, { type: "partnership.created", data: EVENT_CATALOGUE["partnership.created"].sample, recipientAccountIds: [] }),
      );
      await db.update(events).set({ createdAt: daysAgo(ageDays) }).where(eq(events.id, eventId));
      return eventId;
    };
    const oldOrphan = await orphan(40);
    const recentOrphan = await orphan(3);
    const oldPending = await delivery(accountId, "pending", 40, 0);

    await pruneDeliveries();

    expect(await existingEvents([oldOrphan, recentOrphan, oldPending.eventId])).toEqual(new Set([recentOrphan, oldPending.eventId]));
  });

  it("loops over batches until nothing old is left", async () => {
    const accountId = await accountWithEndpoint();
    const old = [];
    for (let i = 0; i < 7; i++) old.push(await delivery(accountId, i % 2 ? "failed" : "succeeded", 35));
    const result = await pruneDeliveries(new Date(), { batchSize: 2 });
    expect(await existingDeliveries(old.map((d) => d.id))).toEqual(new Set());
    expect(result.deliveries).toBeGreaterThanOrEqual(7);
    expect(await pruneDeliveries(new Date(), { batchSize: 2 })).toMatchObject({ deliveries: 0 });
  });

  it("two pruners at once delete everything once, without errors (no lock needed)", async () => {
    const accountId = await accountWithEndpoint();
    const old = [];
    for (let i = 0; i < 6; i++) old.push(await delivery(accountId, "succeeded", 50));
    const [a, b] = await Promise.all([pruneDeliveries(new Date(), { batchSize: 1 }), pruneDeliveries(new Date(), { batchSize: 1 })]);
    expect(await existingDeliveries(old.map((d) => d.id))).toEqual(new Set());
    expect(a.deliveries + b.deliveries).toBeGreaterThanOrEqual(6);
  });

  it("deletes idempotency keys older than 24 hours", async () => {
    const { account } = await createTestAccount("advertiser");
    const db = await getDb();
    const key = (k: string, createdAt: Date) => ({
      accountId: account.id,
      scope: "POST /api/v1/conversions",
      key: k,
      requestHash: "x",
      responseStatus: 201,
      responseBody: { ok: true },
      createdAt,
    });
    await db.insert(idempotencyKeys).values([key("old", new Date(Date.now() - 25 * 3_600_000)), key("fresh", new Date(Date.now() - 23 * 3_600_000))]);
    const result = await pruneDeliveries();
    const left = await db.select({ key: idempotencyKeys.key }).from(idempotencyKeys).where(eq(idempotencyKeys.accountId, account.id));
    expect(left.map((r) => r.key)).toEqual(["fresh"]);
    expect(result.idempotencyKeys).toBeGreaterThanOrEqual(1);
  });

  it("honours WEBHOOK_RETENTION_DAYS", async () => {
    const accountId = await accountWithEndpoint();
    const fiveDays = await delivery(accountId, "succeeded", 5);
    process.env.WEBHOOK_RETENTION_DAYS = "7";
    resetConfigForTests();
    try {
      // Only this account's rows are that young and finished in a way this test controls; other
      // files' rows are minutes old, far inside any window.
      await pruneDeliveries();
      expect(await existingDeliveries([fiveDays.id])).toEqual(new Set([fiveDays.id]));
      process.env.WEBHOOK_RETENTION_DAYS = "4";
      resetConfigForTests();
      await pruneDeliveries();
      expect(await existingDeliveries([fiveDays.id])).toEqual(new Set());
    } finally {
      delete process.env.WEBHOOK_RETENTION_DAYS;
      resetConfigForTests();
    }
  });

  it("stops between batches when asked", async () => {
    const accountId = await accountWithEndpoint();
    const old = await delivery(accountId, "succeeded", 40);
    expect(await pruneDeliveries(new Date(), { shouldStop: () => true })).toMatchObject({ deliveries: 0, events: 0, idempotencyKeys: 0 });
    expect(await existingDeliveries([old.id])).toEqual(new Set([old.id]));
  });
});

describe("embedded schedule", () => {
  it("a stopped schedule leaves nothing armed to run", async () => {
    // On a fake clock, so "never" needs no waiting: the run due in a minute is the one timer
    // armed, and stopping disarms it.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      startRetentionSchedule({ firstRunMs: 60_000 });
      expect(vi.getTimerCount()).toBe(1);
      await stopRetentionSchedule();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("runs after its first delay", async () => {
    const accountId = await accountWithEndpoint();
    const first = await delivery(accountId, "succeeded", 40);
    startRetentionSchedule({ firstRunMs: 20, intervalMs: 60_000 });
    const deadline = Date.now() + 10_000;
    while ((await existingDeliveries([first.id])).size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await existingDeliveries([first.id])).toEqual(new Set());
    await stopRetentionSchedule();
  });
});

describe("prune-deliveries (inngest cron)", () => {
  it("prunes in one step and returns the counts", async () => {
    const accountId = await accountWithEndpoint();
    const old = await delivery(accountId, "failed", 33, 4);
    const t = new InngestTestEngine({ function: pruneDeliveriesFunction });
    const { result, ctx } = await t.execute();
    expect(ctx.step.run.mock.calls.map((c: unknown[]) => c[0])).toEqual(["prune"]);
    expect(result).toMatchObject({ deliveries: expect.any(Number), events: expect.any(Number), idempotencyKeys: expect.any(Number) });
    expect((result as { deliveries: number }).deliveries).toBeGreaterThanOrEqual(1);
    expect(await existingDeliveries([old.id])).toEqual(new Set());
  });
});
