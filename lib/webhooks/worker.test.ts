import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb, getDbHandle } from "@/lib/db";
import { webhooks } from "@/lib/db/schema";
import { createTestAccount } from "@/lib/testing/fixtures";
import { startReceiver, type Receiver } from "@/lib/testing/receiver";
import { spawnWorkerProcess } from "@/lib/testing/worker-process";
import {
  createTestWebhook,
  emitTestEvent,
  getAttempts,
  getDelivery,
  useFastDeliverySettings,
} from "@/lib/testing/webhook-fixtures";
import { wakeDeliveryEngine } from "./engine";
import { DeliveryWorker, type DeliveryWorkerOptions } from "./worker";

// The embedded engine end to end: events go through the outbox, wakeDeliveryEngine, the worker's
// claim loop and the state machine to a real receiver. Each worker only claims its test's
// account, since other test files share the PostgreSQL database.

let receiver: Receiver;
let accountId: string;
const workers: DeliveryWorker[] = [];

beforeAll(() => {
  useFastDeliverySettings();
  resetConfigForTests();
});
beforeEach(async () => {
  accountId = (await createTestAccount("advertiser")).account.id;
  receiver = await startReceiver();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await receiver.close();
});
afterAll(closeDb);

async function startWorker(opts: DeliveryWorkerOptions = {}) {
  const worker = new DeliveryWorker({ accountIds: [accountId], ...opts });
  workers.push(worker);
  await worker.start();
  return worker;
}

async function waitForStatus(deliveryId: string, status: "succeeded" | "failed", timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await getDelivery(deliveryId);
    if (d.status === status) return d;
    if (Date.now() > deadline) throw new Error(`delivery ${deliveryId} is ${d.status}, expected ${status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("embedded delivery worker", () => {
  it("delivers an event as soon as the engine is woken, with both signatures valid", async () => {
    const { secrets } = await createTestWebhook(accountId, receiver.url);
    receiver.setSecrets(secrets);
    await startWorker({ pollMs: 60_000 }); // no polling: only the wake-up can explain a delivery
    const { deliveryIds } = await emitTestEvent(accountId);
    const [got] = await receiver.waitFor(1);
    expect(got!.webhookId).toBe(deliveryIds[0]);
    expect(got!.signatureValid).toEqual([true]);
    expect(got!.standardValid).toEqual([true]);
    await waitForStatus(deliveryIds[0]!, "succeeded");
  });

  it("gives a failing receiver exactly 4 attempts, then marks the delivery failed", async () => {
    receiver.respondWith({ status: 500 });
    await createTestWebhook(accountId, receiver.url);
    await startWorker({ pollMs: 60_000 }); // retries come from the worker's own timers
    const { deliveryIds } = await emitTestEvent(accountId);
    await waitForStatus(deliveryIds[0]!, "failed");
    expect(receiver.received.map((r) => r.attempt)).toEqual([1, 2, 3, 4]);
    expect((await getAttempts(deliveryIds[0]!)).map((a) => a.number)).toEqual([1, 2, 3, 4]);
  });

  it("retries a receiver that recovers, and the delivery succeeds with the same webhook-id", async () => {
    receiver.queue({ status: 500 }, { status: 503 });
    await createTestWebhook(accountId, receiver.url);
    await startWorker();
    const { deliveryIds } = await emitTestEvent(accountId);
    const d = await waitForStatus(deliveryIds[0]!, "succeeded");
    expect(d.attemptCount).toBe(3);
    expect(receiver.received.map((r) => [r.webhookId, r.attempt])).toEqual([
      [deliveryIds[0], 1],
      [deliveryIds[0], 2],
      [deliveryIds[0], 3],
    ]);
  });

  it("holds deliveries for a disabled endpoint and sends them once it is re-enabled", async () => {
    const { webhookId } = await createTestWebhook(accountId, receiver.url, { enabled: false });
    await startWorker({ pollMs: 50 });
    const { deliveryIds } = await emitTestEvent(accountId);
    // Several polls pass; nothing may go out.
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received).toHaveLength(0);
    expect(await getDelivery(deliveryIds[0]!)).toMatchObject({ status: "pending", attemptCount: 0, lockedBy: null });

    const db = await getDb();
    await db.update(webhooks).set({ enabled: true }).where(eq(webhooks.id, webhookId));
    await wakeDeliveryEngine(deliveryIds);
    await receiver.waitFor(1);
    await waitForStatus(deliveryIds[0]!, "succeeded");
  });

  it("fans one event out to many endpoints", async () => {
    const hooks = await Promise.all(Array.from({ length: 12 }, () => createTestWebhook(accountId, receiver.url)));
    await startWorker({ pollMs: 60_000 });
    const { deliveryIds } = await emitTestEvent(accountId);
    expect(deliveryIds).toHaveLength(hooks.length);
    const got = await receiver.waitFor(hooks.length);
    expect(new Set(got.map((r) => r.webhookId))).toEqual(new Set(deliveryIds));
  });

  it("keeps at most `perEndpoint` attempts in flight to one endpoint", async () => {
    receiver.respondWith({ status: 200, delayMs: 40 });
    await createTestWebhook(accountId, receiver.url);
    for (let i = 0; i < 8; i++) await emitTestEvent(accountId, "conversion.created", { wake: false });
    await startWorker({ perEndpoint: 2, concurrency: 8 });
    await receiver.waitFor(8);
    expect(receiver.peakConcurrency).toBe(2);
  });

  it("keeps at most `concurrency` attempts in flight overall while it claims ahead", async () => {
    receiver.respondWith({ status: 200, delayMs: 40 });
    for (let i = 0; i < 4; i++) await createTestWebhook(accountId, receiver.url);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(...(await emitTestEvent(accountId, "conversion.created", { wake: false })).deliveryIds);
    await startWorker({ perEndpoint: 4, concurrency: 3 });
    await receiver.waitFor(16);
    expect(receiver.peakConcurrency).toBe(3);
    for (const id of ids) await waitForStatus(id, "succeeded");
  });

  it("does not let a slow endpoint with a backlog hold up the other endpoints", async () => {
    const slow = await startReceiver();
    try {
      slow.respondWith({ status: 200, delayMs: 500 });
      await createTestWebhook(accountId, slow.url);
      // The slow endpoint's backlog is older, so it is first in line for every claim.
      for (let i = 0; i < 30; i++) await emitTestEvent(accountId, "conversion.created", { wake: false });
      await createTestWebhook(accountId, receiver.url);
      for (let i = 0; i < 4; i++) await emitTestEvent(accountId, "conversion.created", { wake: false });
      await startWorker({ concurrency: 8, perEndpoint: 2 });
      await receiver.waitFor(4);
      // The fast endpoint was served within the slow one's first round of attempts.
      expect(slow.received.length).toBeLessThanOrEqual(2);
      expect(slow.peakConcurrency).toBe(2);
    } finally {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
      await slow.close();
    }
  });

  it("on stop, finishes attempts in flight and hands back claims it had not started", async () => {
    receiver.respondWith({ status: 200, delayMs: 150 });
    await createTestWebhook(accountId, receiver.url);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(...(await emitTestEvent(accountId, "conversion.created", { wake: false })).deliveryIds);
    const worker = await startWorker({ perEndpoint: 1, concurrency: 8 });
    await receiver.waitFor(1);
    await worker.stop();

    const rows = await Promise.all(ids.map(getDelivery));
    const succeeded = rows.filter((d) => d.status === "succeeded");
    const pending = rows.filter((d) => d.status === "pending");
    expect(succeeded.length).toBeGreaterThanOrEqual(1);
    expect(succeeded.length + pending.length).toBe(6);
    expect(pending.length).toBeGreaterThan(0);
    // Handed back: no lease left, no attempt made, ready for the next worker.
    for (const d of pending) expect(d).toMatchObject({ lockedBy: null, lockedUntil: null, attemptCount: 0 });
    expect(receiver.received).toHaveLength(succeeded.length);
  });

  it("delivers every event at least once when a worker dies mid-stream, duplicates keeping their webhook-id", async () => {
    const { driver } = await getDbHandle();
    // PostgreSQL: a real `npm run worker` process is SIGKILLed. PGlite is one connection in one
    // process, so there the same scenario runs in-process: a worker is abandoned with its claims.
    const result = driver === "postgres" ? await crashWorkerProcess() : await crashWorkerInProcess();
    const received = new Set(receiver.received.map((r) => r.webhookId));
    for (const id of result.deliveryIds) expect(received.has(id)).toBe(true);
    // A duplicate is the same delivery again: same webhook-id, never a new one.
    for (const r of receiver.received) expect(result.deliveryIds).toContain(r.webhookId);
    for (const id of result.deliveryIds) await waitForStatus(id, "succeeded");
  }, 60_000);
});

async function crashWorkerInProcess() {
  receiver.respondWith({ status: 200, delayMs: 20 });
  await createTestWebhook(accountId, receiver.url);
  const first = await startWorker({ perEndpoint: 1, concurrency: 8, claimLeaseMs: 300 });
  const deliveryIds: string[] = [];
  for (let i = 0; i < 10; i++) deliveryIds.push(...(await emitTestEvent(accountId)).deliveryIds);
  await receiver.waitFor(2);
  await first.crash();
  workers.splice(workers.indexOf(first), 1);
  expect(receiver.received.length).toBeLessThan(10);
  for (let i = 0; i < 10; i++) deliveryIds.push(...(await emitTestEvent(accountId, "conversion.created", { wake: false })).deliveryIds);
  // The crashed worker's claims come back once their lease runs out.
  await startWorker({ pollMs: 50 });
  await receiver.waitFor(20, { distinct: true });
  return { deliveryIds };
}

async function crashWorkerProcess() {
  await createTestWebhook(accountId, receiver.url);
  const deliveryIds: string[] = [];
  let child = await spawnWorker();
  try {
    for (let i = 0; i < 40; i++) {
      deliveryIds.push(...(await emitTestEvent(accountId)).deliveryIds);
      if (i === 20) {
        await receiver.waitFor(5);
        child.kill("SIGKILL");
        await once(child, "exit");
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(new Set(receiver.received.map((r) => r.webhookId)).size).toBeLessThan(40);
    child = await spawnWorker();
    await receiver.waitFor(40, { distinct: true, timeoutMs: 30_000 });
    // Received is not recorded: what the killed worker sent is sent again, and recorded, by the
    // new one once its lease has run out (6 s), so it must still be running until then.
    for (const id of deliveryIds) await waitForStatus(id, "succeeded", 20_000);
  } finally {
    child.kill("SIGTERM");
    if (child.exitCode === null) await once(child, "exit");
  }
  return { deliveryIds };
}

function spawnWorker(): Promise<ChildProcess> {
  return spawnWorkerProcess(accountId, { WEBHOOK_TIMEOUT_MS: "1000" }); // a killed worker's leases end 6 s later
}
