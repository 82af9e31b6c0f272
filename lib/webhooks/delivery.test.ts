import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb } from "@/lib/db";
import { webhooks } from "@/lib/db/schema";
import { createTestAccount } from "@/lib/testing/fixtures";
import { startReceiver, type Receiver } from "@/lib/testing/receiver";
import {
  createTestWebhook,
  emitTestEvent,
  getAttempts,
  getDelivery,
  getWebhook,
  useFastDeliverySettings,
} from "@/lib/testing/webhook-fixtures";
import { processDelivery, type ProcessResult } from "./delivery";
import { USER_AGENT } from "./signing";

// The state machine driven directly, one attempt per call, against a real loopback receiver.

let receiver: Receiver;
let accountId: string;

beforeAll(() => {
  useFastDeliverySettings();
  resetConfigForTests();
});
beforeEach(async () => {
  accountId = (await createTestAccount("advertiser")).account.id;
  receiver = await startReceiver();
});
afterEach(async () => {
  await receiver.close();
  useFastDeliverySettings();
  resetConfigForTests();
});
afterAll(closeDb);

/** Call the state machine until the delivery settles, waiting out each backoff, as an engine would. */
async function driveToCompletion(deliveryId: string, owner = "test-driver"): Promise<ProcessResult[]> {
  const results: ProcessResult[] = [];
  for (let i = 0; i < 20; i++) {
    const r = await processDelivery(deliveryId, { owner });
    results.push(r);
    if (r.status === "succeeded" || r.status === "failed") return results;
    if (r.status === "skipped" && r.reason !== "not_due") return results;
    const due = "nextAttemptAt" in r && r.nextAttemptAt ? Date.parse(r.nextAttemptAt) : Date.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now()) + 2));
  }
  throw new Error("delivery did not settle");
}

/** One attempt once it is due. */
async function driveOneAttempt(deliveryId: string) {
  const due = (await getDelivery(deliveryId)).nextAttemptAt!.getTime();
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now()) + 2));
  const r = await processDelivery(deliveryId, { owner: "t" });
  expect(r.status).not.toBe("skipped");
}

/** The backoff the state machine chose: next_attempt_at minus when it recorded the attempt. */
async function scheduledWait(deliveryId: string) {
  const d = await getDelivery(deliveryId);
  return d.nextAttemptAt!.getTime() - d.updatedAt.getTime();
}

async function setUp(opts: { secretCount?: number; url?: string } = {}) {
  const hook = await createTestWebhook(accountId, opts.url ?? receiver.url, { secretCount: opts.secretCount });
  receiver.setSecrets(hook.secrets);
  const { deliveryIds } = await emitTestEvent(accountId, "conversion.created", { wake: false });
  expect(deliveryIds).toHaveLength(1);
  return { ...hook, deliveryId: deliveryIds[0]! };
}

describe("processDelivery", () => {
  it("delivers the event once with both signatures valid and every documented header", async () => {
    const { deliveryId } = await setUp();
    const [result] = await driveToCompletion(deliveryId);
    expect(result).toEqual({ status: "succeeded", attemptNumber: 1 });

    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    expect(got.signatureValid).toEqual([true]);
    expect(got.standardValid).toEqual([true]);
    expect(got.webhookId).toBe(deliveryId);
    expect(got.headers).toMatchObject({
      "content-type": "application/json",
      "user-agent": USER_AGENT,
      "x-webhook-event": "conversion.created",
      "x-webhook-delivery": deliveryId,
      "x-webhook-attempt": "1",
    });
    const body = JSON.parse(got.body);
    expect(Object.keys(body)).toEqual(["event", "data", "timestamp"]);
    expect(body.event).toBe("conversion.created");

    const delivery = await getDelivery(deliveryId);
    expect(delivery).toMatchObject({ status: "succeeded", attemptCount: 1, lastStatusCode: 200, lockedBy: null });
    expect(delivery.completedAt).not.toBeNull();
    const [attempt] = await getAttempts(deliveryId);
    expect(attempt).toMatchObject({ number: 1, statusCode: 200, error: null, responseBodyExcerpt: "ok" });
    expect(attempt!.requestHeaders["webhook-id"]).toBe(deliveryId);
  });

  it("records an attempt that sent nothing, with the reason, when the secret cannot be decrypted", async () => {
    const { deliveryId } = await setUp();
    // Encrypted under another WEBHOOK_SECRET_KEY: what an operator who changed the key would see.
    process.env.WEBHOOK_SECRET_KEY = "a-different-key-than-the-one-that-encrypted-it";
    resetConfigForTests();
    const result = await processDelivery(deliveryId, { owner: "t" }).finally(() => delete process.env.WEBHOOK_SECRET_KEY);
    expect(result).toMatchObject({ status: "pending", attemptNumber: 1 });
    expect(receiver.received).toHaveLength(0);
    const [attempt] = await getAttempts(deliveryId);
    expect(attempt).toMatchObject({ number: 1, statusCode: null });
    expect(attempt!.error).toMatch(/could not be decrypted.*WEBHOOK_SECRET_KEY/);
  });

  it("makes exactly 4 attempts against a failing receiver, then marks the delivery failed", async () => {
    receiver.respondWith({ status: 500, body: "boom" });
    const { deliveryId, webhookId } = await setUp();
    const results = await driveToCompletion(deliveryId);
    expect(results.filter((r) => r.status !== "skipped").map((r) => r.status)).toEqual([
      "pending",
      "pending",
      "pending",
      "failed",
    ]);
    expect(receiver.received.map((r) => r.attempt)).toEqual([1, 2, 3, 4]);
    expect(new Set(receiver.received.map((r) => r.webhookId))).toEqual(new Set([deliveryId]));
    expect(receiver.received.every((r) => r.signatureValid[0] && r.standardValid[0])).toBe(true);

    const delivery = await getDelivery(deliveryId);
    expect(delivery).toMatchObject({ status: "failed", attemptCount: 4, lastStatusCode: 500, nextAttemptAt: null });
    const attempts = await getAttempts(deliveryId);
    expect(attempts.map((a) => [a.number, a.statusCode, a.error])).toEqual([
      [1, 500, "Receiver answered HTTP 500"],
      [2, 500, "Receiver answered HTTP 500"],
      [3, 500, "Receiver answered HTTP 500"],
      [4, 500, "Receiver answered HTTP 500"],
    ]);
    // The endpoint is failing from this exhausted delivery on, and still enabled (3 days to go).
    const hook = await getWebhook(webhookId);
    expect(hook).toMatchObject({ enabled: true, lastError: "Receiver answered HTTP 500" });
    expect(hook.failingSince).not.toBeNull();
  });

  it("schedules each retry after the configured backoff, with jitter", async () => {
    receiver.respondWith({ status: 500 });
    const { deliveryId } = await setUp();
    const waits: number[] = [];
    for (const _ of [1, 2, 3]) {
      await driveOneAttempt(deliveryId);
      waits.push(await scheduledWait(deliveryId));
    }
    // 50, 100, 150 ms, each ±15%.
    expect(waits[0]).toBeGreaterThanOrEqual(42);
    expect(waits[0]).toBeLessThanOrEqual(58);
    expect(waits[1]).toBeGreaterThanOrEqual(85);
    expect(waits[1]).toBeLessThanOrEqual(115);
    expect(waits[2]).toBeGreaterThanOrEqual(127);
    expect(waits[2]).toBeLessThanOrEqual(173);
  });

  it("sends nothing before a retry is due", async () => {
    useFastDeliverySettings({ WEBHOOK_RETRY_DELAYS_MS: "600000" });
    resetConfigForTests();
    receiver.respondWith({ status: 500 });
    const { deliveryId } = await setUp();
    expect(await processDelivery(deliveryId, { owner: "t" })).toMatchObject({ status: "pending", attemptNumber: 1 });
    expect(await processDelivery(deliveryId, { owner: "t" })).toMatchObject({ status: "skipped", reason: "not_due" });
    expect(receiver.received).toHaveLength(1);
  });

  it("succeeds on the retry when the receiver recovers, and ends the endpoint's failing stretch", async () => {
    const { deliveryId, webhookId } = await setUp();
    const db = await getDb();
    await db.update(webhooks).set({ failingSince: new Date(Date.now() - 60_000) }).where(eq(webhooks.id, webhookId));
    receiver.queue({ status: 503 }, { reset: true });
    const results = await driveToCompletion(deliveryId);
    expect(results.at(-1)).toEqual({ status: "succeeded", attemptNumber: 3 });
    const attempts = await getAttempts(deliveryId);
    expect(attempts.map((a) => a.statusCode)).toEqual([503, null, 200]);
    expect(attempts[1]!.error).toMatch(/reset|closed/i);
    expect(await getWebhook(webhookId)).toMatchObject({ failingSince: null, enabled: true });
  });

  it("disables the endpoint at once on 410 Gone and fails the delivery without retrying", async () => {
    receiver.respondWith({ status: 410, body: "gone" });
    const { deliveryId, webhookId } = await setUp();
    expect(await driveToCompletion(deliveryId)).toEqual([{ status: "failed", attemptNumber: 1 }]);
    const hook = await getWebhook(webhookId);
    expect(hook.enabled).toBe(false);
    expect(hook.disabledReason).toMatch(/410 Gone/);
    expect(receiver.received).toHaveLength(1);
  });

  it.each([
    ["delay-seconds", () => "20"],
    ["an HTTP date", () => new Date(Date.now() + 20_000).toUTCString()],
  ])("honours a 429 Retry-After given as %s", async (_, retryAfter) => {
    receiver.queue({ status: 429, headers: { "retry-after": retryAfter() } });
    const { deliveryId } = await setUp();
    expect((await processDelivery(deliveryId, { owner: "t" })).status).toBe("pending");
    const wait = await scheduledWait(deliveryId);
    // Far beyond the 50 ms backoff: the receiver asked for 20 s (an HTTP date has 1 s
    // precision and counts from when it was written, a little before the attempt).
    expect(wait).toBeGreaterThan(15_000);
    expect(wait).toBeLessThanOrEqual(20_000);
  });

  it("caps a huge Retry-After at WEBHOOK_MAX_RETRY_AFTER_MS", async () => {
    useFastDeliverySettings({ WEBHOOK_MAX_RETRY_AFTER_MS: "300" });
    resetConfigForTests();
    receiver.queue({ status: 503, headers: { "retry-after": "86400" } });
    const { deliveryId } = await setUp();
    await processDelivery(deliveryId, { owner: "t" });
    expect(await scheduledWait(deliveryId)).toBe(300);
  });

  it("disables an endpoint only when every delivery failed for WEBHOOK_DISABLE_AFTER, and holds later ones", async () => {
    useFastDeliverySettings({ WEBHOOK_RETRY_DELAYS_MS: "1", WEBHOOK_DISABLE_AFTER: "3d" });
    resetConfigForTests();
    receiver.respondWith({ status: 500 });
    const { webhookId, deliveryId: first } = await setUp();
    // A settable clock: the state machine takes `now`, so days pass without waiting.
    const start = Date.now();
    const exhaustAt = async (deliveryId: string, atMs: number) => {
      let r: ProcessResult;
      let tick = atMs;
      do r = await processDelivery(deliveryId, { owner: "t", now: () => new Date((tick += 10)) });
      while (r.status === "pending");
      expect(r.status).toBe("failed");
    };
    await exhaustAt(first, start);
    const failing = await getWebhook(webhookId);
    expect(failing.enabled).toBe(true);
    expect(failing.failingSince!.getTime()).toBeGreaterThan(start);

    // Many exhausted deliveries inside the window do not disable it…
    for (const hours of [1, 24, 71]) {
      const [next] = (await emitTestEvent(accountId, "conversion.created", { wake: false })).deliveryIds;
      await exhaustAt(next!, start + hours * 3_600_000);
      expect((await getWebhook(webhookId)).enabled).toBe(true);
    }
    // …the first one exhausted 3 days after the stretch began does.
    const [second] = (await emitTestEvent(accountId, "conversion.created", { wake: false })).deliveryIds;
    await exhaustAt(second!, start + 3 * 86_400_000 + 1);
    const hook = await getWebhook(webhookId);
    expect(hook.enabled).toBe(false);
    expect(hook.disabledReason).toMatch(/every delivery failed for 3 days/);

    // Held: a new event gets a delivery, but nothing is sent while the endpoint is disabled.
    const before = receiver.received.length;
    const [held] = (await emitTestEvent(accountId, "conversion.created", { wake: false })).deliveryIds;
    expect(await processDelivery(held!, { owner: "t" })).toEqual({ status: "skipped", reason: "webhook_disabled" });
    expect(receiver.received).toHaveLength(before);
    expect(await getDelivery(held!)).toMatchObject({ status: "pending", attemptCount: 0, lockedBy: null });

    // Re-enabled: the held event goes out.
    receiver.respondWith({ status: 200 });
    const db = await getDb();
    await db.update(webhooks).set({ enabled: true, disabledReason: null }).where(eq(webhooks.id, webhookId));
    expect(await processDelivery(held!, { owner: "t" })).toEqual({ status: "succeeded", attemptNumber: 1 });
    expect(receiver.received.at(-1)!.webhookId).toBe(held);
  });

  it("signs with every valid secret during a rotation, newest first, and both verify", async () => {
    const { deliveryId, secrets } = await setUp({ secretCount: 2 });
    await driveToCompletion(deliveryId);
    const got = receiver.received[0]!;
    const header = got.headers["x-webhook-signature"] as string;
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect((got.headers["webhook-signature"] as string).split(" ")).toHaveLength(2);
    expect(got.signatureValid).toEqual([true, true]);
    expect(got.standardValid).toEqual([true, true]);
    // Newest first: the first v1 is the current secret's.
    const { verifySignatureHeader } = await import("./signing");
    const firstOnly = header.split(",").slice(0, 2).join(",");
    expect(verifySignatureHeader(firstOnly, got.body, secrets[0]!).ok).toBe(true);
  });

  it("signs with at most the two newest valid secrets even when more rows are valid", async () => {
    const { deliveryId, secrets } = await setUp({ secretCount: 3 });
    await driveToCompletion(deliveryId);
    const got = receiver.received[0]!;
    expect((got.headers["x-webhook-signature"] as string).match(/v1=/g)).toHaveLength(2);
    expect((got.headers["webhook-signature"] as string).split(" ")).toHaveLength(2);
    // The receiver knows all three: the two newest verify, the oldest signs nothing.
    expect(got.signatureValid).toEqual([true, true, false]);
    expect(secrets).toHaveLength(3);
  });

  it("does not sign with a secret whose grace period is over", async () => {
    const { deliveryId, webhookId, secrets } = await setUp({ secretCount: 2 });
    const db = await getDb();
    const { webhookSecrets } = await import("@/lib/db/schema");
    const { and, isNotNull } = await import("drizzle-orm");
    await db
      .update(webhookSecrets)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(and(eq(webhookSecrets.webhookId, webhookId), isNotNull(webhookSecrets.expiresAt)));
    await driveToCompletion(deliveryId);
    expect(receiver.received[0]!.signatureValid).toEqual([true, false]);
    expect(secrets).toHaveLength(2);
  });

  it("records a redirect as a failure and does not follow it", async () => {
    const other = await startReceiver();
    try {
      receiver.queue({ status: 302, headers: { location: other.url } });
      const { deliveryId } = await setUp();
      await processDelivery(deliveryId, { owner: "t" });
      const [attempt] = await getAttempts(deliveryId);
      expect(attempt).toMatchObject({ statusCode: 302 });
      expect(attempt!.error).toMatch(/Redirect .* not followed/);
      expect((await getDelivery(deliveryId)).status).toBe("pending");
      expect(other.received).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it("records a timeout when the receiver hangs", async () => {
    useFastDeliverySettings({ WEBHOOK_TIMEOUT_MS: "200" });
    resetConfigForTests();
    receiver.queue({ hang: true });
    const { deliveryId } = await setUp();
    await processDelivery(deliveryId, { owner: "t" });
    const [attempt] = await getAttempts(deliveryId);
    expect(attempt).toMatchObject({ statusCode: null, error: "Timed out after 200 ms" });
    expect(attempt!.durationMs).toBeGreaterThanOrEqual(190);
  });

  it("stores at most 16 KiB of the response body", async () => {
    receiver.queue({ status: 200, body: "x".repeat(100_000) });
    const { deliveryId } = await setUp();
    await processDelivery(deliveryId, { owner: "t" });
    const [attempt] = await getAttempts(deliveryId);
    expect(attempt!.responseBodyExcerpt).toHaveLength(16 * 1024);
  });

  it("records an answer with NUL bytes, which PostgreSQL text cannot hold, instead of failing to record", async () => {
    receiver.queue({ status: 200, body: "ok\0done" });
    const { deliveryId } = await setUp();
    expect(await processDelivery(deliveryId, { owner: "t" })).toEqual({ status: "succeeded", attemptNumber: 1 });
    const [attempt] = await getAttempts(deliveryId);
    expect(attempt!.responseBodyExcerpt).toBe("ok\uFFFDdone");
  });

  it.each([
    ["127.0.0.1", "http://127.0.0.1:{port}/webhooks", /127\.0\.0\.1 is a loopback address/],
    ["10.0.0.1", "http://10.0.0.1:{port}/webhooks", /10\.0\.0\.1 is a private address/],
    ["[::1]", "http://[::1]:{port}/webhooks", /::1 is a loopback address/],
    ["[::ffff:127.0.0.1]", "http://[::ffff:127.0.0.1]:{port}/webhooks", /loopback address/],
    ["169.254.169.254", "http://169.254.169.254/latest/meta-data", /cloud metadata address/],
    ["localhost", "http://localhost:{port}/webhooks", /loopback address \(localhost resolved to it\)/],
  ])("refuses %s when private targets are not allowed, recording a failed attempt", async (_, template, message) => {
    useFastDeliverySettings({ WEBHOOK_ALLOW_PRIVATE_TARGETS: "false" });
    resetConfigForTests();
    const { deliveryId } = await setUp({ url: template.replace("{port}", String(receiver.port)) });
    const r = await processDelivery(deliveryId, { owner: "t" });
    expect(r.status).toBe("pending");
    const [attempt] = await getAttempts(deliveryId);
    expect(attempt!.statusCode).toBeNull();
    expect(attempt!.error).toMatch(message);
    expect(attempt!.error).toMatch(/private targets are not allowed/);
    expect(receiver.received).toHaveLength(0);
  });

  it("records an attempt only once when two workers race for the same delivery", async () => {
    receiver.respondWith({ status: 200, delayMs: 50 });
    const { deliveryId } = await setUp();
    const results = await Promise.all([
      processDelivery(deliveryId, { owner: "worker-a" }),
      processDelivery(deliveryId, { owner: "worker-b" }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["skipped", "succeeded"]);
    expect(await getAttempts(deliveryId)).toHaveLength(1);
    expect(receiver.received).toHaveLength(1);
  });

  it("leaves a delivery that is already settled alone", async () => {
    const { deliveryId } = await setUp();
    await driveToCompletion(deliveryId);
    expect(await processDelivery(deliveryId, { owner: "t" })).toEqual({ status: "skipped", reason: "not_pending" });
    expect(receiver.received).toHaveLength(1);
  });
});
