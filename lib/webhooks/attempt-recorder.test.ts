import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq, inArray } from "drizzle-orm";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb } from "@/lib/db";
import { deliveries, endpointNotices, webhooks } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { createTestAccount } from "@/lib/testing/fixtures";
import {
  createTestWebhook,
  emitTestEvent,
  getAttempts,
  getDelivery,
  getWebhook,
  useFastDeliverySettings,
} from "@/lib/testing/webhook-fixtures";
import { recordAttempt, type FinishedAttempt } from "./attempt-recorder";

// The bookkeeping writer on its own: attempts that finish together are written in one batch,
// each row under its own guard, and the endpoint rule sees their outcomes in the order in which
// they finished, on the endpoint row as locked. (The rule itself is table-tested in
// endpoint-policy.test.ts; the state machine's tests cover it one attempt at a time.)

const OWNER = "recorder-test";
const WINDOW = 60_000;
let accountId: string;

beforeAll(() => {
  useFastDeliverySettings();
  resetConfigForTests();
});
beforeEach(async () => {
  accountId = (await createTestAccount("advertiser")).account.id;
});
afterAll(closeDb);

/** An endpoint with `count` pending deliveries leased to OWNER, failing since `failingSince` (null: healthy). */
async function leasedDeliveries(count: number, failingSince: Date | null = null) {
  const { webhookId } = await createTestWebhook(accountId, "https://receiver.example/hook");
  const db = await getDb();
  await db.update(webhooks).set({ failingSince }).where(eq(webhooks.id, webhookId));
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    // The account's other endpoints get the event too; keep this endpoint's delivery.
    const emitted = (await emitTestEvent(accountId, "conversion.created", { wake: false })).deliveryIds;
    const [own] = await db
      .update(deliveries)
      .set({ lockedBy: OWNER, lockedUntil: new Date(Date.now() + 60_000) })
      .where(and(inArray(deliveries.id, emitted), eq(deliveries.webhookId, webhookId)))
      .returning({ id: deliveries.id });
    ids.push(own!.id);
  }
  return { webhookId, ids };
}

type Outcome = "succeeded" | "retry" | "exhausted" | "gone";

function finished(webhookId: string, deliveryId: string, outcome: Outcome, at: number, owner = OWNER): FinishedAttempt {
  const finishedAt = new Date(at);
  const failed = outcome !== "succeeded";
  return {
    deliveryId,
    accountId,
    webhookId,
    owner,
    expectedCount: 0,
    status: outcome === "retry" ? "pending" : failed ? "failed" : "succeeded",
    nextAttemptAt: outcome === "retry" ? new Date(at + 60_000) : null,
    finishedAt,
    endpoint: ({ succeeded: "succeeded", retry: null, exhausted: "exhausted", gone: "gone" } as const)[outcome],
    policy: { disableAfterMs: WINDOW },
    attempt: {
      id: newId("attempt"),
      number: 1,
      startedAt: new Date(at - 5),
      durationMs: 5,
      statusCode: outcome === "gone" ? 410 : failed ? 500 : 200,
      error: failed ? "Receiver answered HTTP 500" : null,
      errorCause: failed ? { code: "http_status", params: { status: 500 } } : null,
      responseBodyExcerpt: failed ? "nope" : "ok",
      requestHeaders: { "webhook-id": deliveryId },
    },
  };
}

/**
 * Record the outcomes in the order given and all in one batch: the first call starts a write
 * at once, and everything recorded while it is in flight goes into the next one.
 */
async function recordTogether(attempts: FinishedAttempt[]) {
  const first = recordAttempt(finished("wh_none", "dlv_none", "retry", Date.now()), 1000);
  const results = await Promise.all(attempts.map((a) => recordAttempt(a, 1000)));
  expect(await first).toBe(false); // no such delivery: the guard refuses it
  return results;
}

/** Outcomes for one endpoint's deliveries, finishing 1 ms apart in the order given, in one batch. */
function recordInOrder(webhookId: string, ids: string[], outcomes: Outcome[]) {
  const t = Date.now();
  return recordTogether(outcomes.map((outcome, i) => finished(webhookId, ids[i]!, outcome, t + i)));
}

/** The notices written for an endpoint, oldest first. */
async function noticesOf(webhookId: string) {
  const db = await getDb();
  const rows = await db.select().from(endpointNotices).where(eq(endpointNotices.webhookId, webhookId));
  return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()).map((n) => n.kind);
}

describe("recordAttempt", () => {
  it("records every attempt of a batch with its own outcome, and refuses only the rows whose lease is not held", async () => {
    const { webhookId, ids } = await leasedDeliveries(4);
    const t = Date.now();
    const results = await recordTogether([
      finished(webhookId, ids[0]!, "succeeded", t),
      finished(webhookId, ids[1]!, "retry", t + 1),
      finished(webhookId, ids[2]!, "succeeded", t + 2, "someone-else"),
      finished(webhookId, ids[3]!, "exhausted", t + 3),
    ]);
    expect(results).toEqual([true, true, false, true]);

    const [d0, d1, d2, d3] = await Promise.all(ids.map(getDelivery));
    expect(d0).toMatchObject({ status: "succeeded", attemptCount: 1, lastStatusCode: 200, lockedBy: null });
    expect(d0!.completedAt?.getTime()).toBe(t);
    expect(d1).toMatchObject({ status: "pending", attemptCount: 1, lockedBy: null, completedAt: null });
    expect(d1!.nextAttemptAt?.getTime()).toBe(t + 1 + 60_000);
    expect(d2).toMatchObject({ status: "pending", attemptCount: 0, lockedBy: OWNER });
    expect(d3).toMatchObject({ status: "failed", attemptCount: 1, lastStatusCode: 500 });
    expect(await getAttempts(ids[2]!)).toHaveLength(0);
    const [attempt] = await getAttempts(ids[3]!);
    expect(attempt).toMatchObject({ number: 1, statusCode: 500, responseBodyExcerpt: "nope", requestHeaders: { "webhook-id": ids[3] } });
  });

  it("records one outcome per delivery when a batch holds two for the same delivery", async () => {
    const { webhookId, ids } = await leasedDeliveries(2);
    const t = Date.now();
    const results = await recordTogether([
      finished(webhookId, ids[0]!, "succeeded", t),
      finished(webhookId, ids[0]!, "retry", t + 1),
      finished(webhookId, ids[1]!, "succeeded", t + 2),
    ]);
    expect(results).toEqual([true, false, true]);
    expect(await getAttempts(ids[0]!)).toHaveLength(1);
    expect(await getDelivery(ids[0]!)).toMatchObject({ status: "succeeded" });
  });

  it("fails only the row that cannot be written, and records the rest of its batch", async () => {
    const { webhookId, ids } = await leasedDeliveries(3);
    const t = Date.now();
    const bad = finished(webhookId, ids[1]!, "succeeded", t + 1);
    bad.attempt.durationMs = 2 ** 31; // out of range for the integer column
    const first = recordAttempt(finished("wh_none", "dlv_none", "retry", t), 1000);
    const settled = await Promise.allSettled(
      [finished(webhookId, ids[0]!, "succeeded", t), bad, finished(webhookId, ids[2]!, "succeeded", t + 2)].map((a) =>
        recordAttempt(a, 1000),
      ),
    );
    await first;
    expect(settled.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await getDelivery(ids[0]!)).toMatchObject({ status: "succeeded" });
    expect(await getDelivery(ids[1]!)).toMatchObject({ status: "pending", attemptCount: 0 });
    expect(await getDelivery(ids[2]!)).toMatchObject({ status: "succeeded" });
  });

  it("does not record the same attempt twice", async () => {
    const { webhookId, ids } = await leasedDeliveries(1);
    const attempt = finished(webhookId, ids[0]!, "retry", Date.now());
    expect(await recordAttempt(attempt, 1000)).toBe(true);
    expect(await recordAttempt(attempt, 1000)).toBe(false);
    expect(await getAttempts(ids[0]!)).toHaveLength(1);
  });

  it("starts the failing stretch at the first exhausted delivery, with its error, and writes one failing notice", async () => {
    const { webhookId, ids } = await leasedDeliveries(2);
    const t = Date.now();
    await recordTogether([finished(webhookId, ids[0]!, "exhausted", t), finished(webhookId, ids[1]!, "exhausted", t + 1)]);
    const hook = await getWebhook(webhookId);
    expect(hook).toMatchObject({ enabled: true, lastError: "Receiver answered HTTP 500", disableWarnedAt: null });
    expect(hook.failingSince?.getTime()).toBe(t);
    expect(await noticesOf(webhookId)).toEqual(["failing"]);
  });

  it("ends the failing stretch at a success in the batch; a failure after it starts a new one", async () => {
    const { webhookId, ids } = await leasedDeliveries(4, new Date(Date.now() - 10_000));
    const t = Date.now();
    await recordInOrder(webhookId, ids, ["exhausted", "succeeded", "exhausted", "exhausted"]);
    const hook = await getWebhook(webhookId);
    expect(hook.enabled).toBe(true);
    expect(hook.failingSince!.getTime()).toBeGreaterThanOrEqual(t + 2);
    expect(await noticesOf(webhookId)).toEqual(["recovered", "failing"]);
  });

  it("disables the endpoint when a delivery exhausts WEBHOOK_DISABLE_AFTER after the stretch began", async () => {
    const since = new Date(Date.now() - WINDOW - 1);
    const { webhookId, ids } = await leasedDeliveries(2, since);
    const t = Date.now();
    await recordTogether([finished(webhookId, ids[0]!, "exhausted", t), finished(webhookId, ids[1]!, "exhausted", t + 7)]);
    const hook = await getWebhook(webhookId);
    expect(hook).toMatchObject({ enabled: false, failingSince: since });
    expect(hook.disabledReason).toMatch(/every delivery failed for 1 minute/);
    expect(hook.updatedAt.getTime()).toBe(t + 7);
    expect(await noticesOf(webhookId)).toEqual(["disabled"]);
  });

  it("keeps an endpoint disabled in a batch when a later success finishes after the window was reached", async () => {
    const { webhookId, ids } = await leasedDeliveries(3, new Date(Date.now() - WINDOW));
    await recordInOrder(webhookId, ids, ["exhausted", "succeeded", "retry"]);
    expect(await getWebhook(webhookId)).toMatchObject({ enabled: false });
    expect(await noticesOf(webhookId)).toEqual(["disabled"]);
  });

  it("warns once when a failure arrives past halfway through the window", async () => {
    const { webhookId, ids } = await leasedDeliveries(2, new Date(Date.now() - WINDOW / 2));
    await recordInOrder(webhookId, ids, ["exhausted", "exhausted"]);
    const hook = await getWebhook(webhookId);
    expect(hook.enabled).toBe(true);
    expect(hook.disableWarnedAt).not.toBeNull();
    expect(await noticesOf(webhookId)).toEqual(["disabling"]);
  });

  it("recovers a failing endpoint on a success, and leaves a healthy endpoint unwritten", async () => {
    const failing = await leasedDeliveries(1, new Date(Date.now() - 5_000));
    const healthy = await leasedDeliveries(1);
    const before = (await getWebhook(healthy.webhookId)).updatedAt;
    const t = Date.now();
    await recordTogether([
      finished(failing.webhookId, failing.ids[0]!, "succeeded", t),
      finished(healthy.webhookId, healthy.ids[0]!, "succeeded", t + 1),
    ]);
    expect(await getWebhook(failing.webhookId)).toMatchObject({ failingSince: null, enabled: true });
    expect(await noticesOf(failing.webhookId)).toEqual(["recovered"]);
    expect(await getWebhook(healthy.webhookId)).toMatchObject({ failingSince: null, enabled: true, updatedAt: before });
    expect(await noticesOf(healthy.webhookId)).toEqual([]);
  });

  it("disables the endpoint on 410 Gone at once, and later outcomes in the batch leave it as it is", async () => {
    const { webhookId, ids } = await leasedDeliveries(2);
    await recordInOrder(webhookId, ids, ["gone", "exhausted"]);
    const hook = await getWebhook(webhookId);
    expect(hook).toMatchObject({ enabled: false, failingSince: null });
    expect(hook.disabledReason).toMatch(/410 Gone/);
    expect(await noticesOf(webhookId)).toEqual(["disabled"]);
  });

  it("stores a receiver's answer that PostgreSQL text cannot hold (NUL, a lone surrogate)", async () => {
    const { webhookId, ids } = await leasedDeliveries(1);
    const attempt = finished(webhookId, ids[0]!, "retry", Date.now());
    attempt.attempt.responseBodyExcerpt = "a\0b\ud800c";
    expect(await recordAttempt(attempt, 1000)).toBe(true);
    const [stored] = await getAttempts(ids[0]!);
    expect(stored!.responseBodyExcerpt).toBe("a\uFFFDb\uFFFDc");
  });
});
