import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq, inArray } from "drizzle-orm";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb } from "@/lib/db";
import { deliveries, webhooks } from "@/lib/db/schema";
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
// each row under its own guard, and the endpoint's failure streak follows the order in which
// they finished. (The state machine's tests cover it one attempt at a time.)

const OWNER = "recorder-test";
const LIMIT = 3;
let accountId: string;

beforeAll(() => {
  useFastDeliverySettings();
  resetConfigForTests();
});
beforeEach(async () => {
  accountId = (await createTestAccount("advertiser")).account.id;
});
afterAll(closeDb);

/** An endpoint with `count` pending deliveries leased to OWNER, and its current streak. */
async function leasedDeliveries(count: number, streak = 0) {
  const { webhookId } = await createTestWebhook(accountId, "https://receiver.example/hook");
  const db = await getDb();
  await db.update(webhooks).set({ consecutiveFailures: streak }).where(eq(webhooks.id, webhookId));
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
    endpoint: { succeeded: "reset_streak", retry: "none", exhausted: "count_failure", gone: "gone" }[outcome] as FinishedAttempt["endpoint"],
    disabledReason: outcome === "gone" ? "gone reason" : outcome === "exhausted" ? "limit reason" : null,
    disableAfterFailures: LIMIT,
    attempt: {
      id: newId("attempt"),
      number: 1,
      startedAt: new Date(at - 5),
      durationMs: 5,
      statusCode: outcome === "gone" ? 410 : failed ? 500 : 200,
      error: failed ? "Receiver answered HTTP 500" : null,
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

  it("keeps only the failures after the last success in the endpoint's streak", async () => {
    const { webhookId, ids } = await leasedDeliveries(4, 1);
    await recordInOrder(webhookId, ids, ["exhausted", "succeeded", "exhausted", "exhausted"]);
    // 1 + 1 failure before the success stayed under the limit of 3; 2 after it.
    expect(await getWebhook(webhookId)).toMatchObject({ consecutiveFailures: 2, enabled: true, disabledReason: null });
  });

  it("adds a batch without successes to the streak the endpoint already had, and disables it at the limit", async () => {
    const { webhookId, ids } = await leasedDeliveries(2, 1);
    const t = Date.now();
    await recordTogether([finished(webhookId, ids[0]!, "exhausted", t), finished(webhookId, ids[1]!, "exhausted", t + 7)]);
    const hook = await getWebhook(webhookId);
    expect(hook).toMatchObject({ consecutiveFailures: 3, enabled: false, disabledReason: "limit reason" });
    expect(hook.updatedAt.getTime()).toBe(t + 7);
  });

  it("disables the endpoint when the limit was reached before a later success in the same batch", async () => {
    const { webhookId, ids } = await leasedDeliveries(3, 2);
    await recordInOrder(webhookId, ids, ["exhausted", "succeeded", "retry"]);
    expect(await getWebhook(webhookId)).toMatchObject({ consecutiveFailures: 0, enabled: false, disabledReason: "limit reason" });
  });

  it("resets the streak on a success, and leaves an endpoint without a streak unwritten", async () => {
    const failing = await leasedDeliveries(1, 2);
    const healthy = await leasedDeliveries(1, 0);
    const before = (await getWebhook(healthy.webhookId)).updatedAt;
    const t = Date.now();
    await recordTogether([
      finished(failing.webhookId, failing.ids[0]!, "succeeded", t),
      finished(healthy.webhookId, healthy.ids[0]!, "succeeded", t + 1),
    ]);
    expect(await getWebhook(failing.webhookId)).toMatchObject({ consecutiveFailures: 0, enabled: true });
    expect(await getWebhook(healthy.webhookId)).toMatchObject({ consecutiveFailures: 0, enabled: true, updatedAt: before });
  });

  it("disables the endpoint on 410 Gone with the gone reason, without counting it in the streak", async () => {
    const { webhookId, ids } = await leasedDeliveries(2, 0);
    await recordInOrder(webhookId, ids, ["gone", "exhausted"]);
    expect(await getWebhook(webhookId)).toMatchObject({ consecutiveFailures: 1, enabled: false, disabledReason: "gone reason" });
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
