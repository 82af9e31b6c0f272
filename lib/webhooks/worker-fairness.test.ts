import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { closeDb } from "@/lib/db";
import { createTestAccount } from "@/lib/testing/fixtures";
import { startReceiver, type Receiver } from "@/lib/testing/receiver";
import { createTestWebhook, emitTestEvent, getDelivery, useFastDeliverySettings } from "@/lib/testing/webhook-fixtures";
import { DeliveryWorker, type DeliveryWorkerOptions } from "./worker";

// Fair shares in the embedded worker, with real receivers: one account's endpoints accept every
// request and never answer (a hanging receiver holds its slot), another's answer at once. The
// hanging attempts outlast the test (long timeouts), so what is asserted is which requests were
// made and how many were open at once, never how long anything took.

let hog: string;
let victim: string;
let hanging: Receiver;
let receiver: Receiver;
const workers: DeliveryWorker[] = [];

beforeAll(() => {
  useFastDeliverySettings({ WEBHOOK_TIMEOUT_MS: "60000", WEBHOOK_FIRST_BYTE_TIMEOUT_MS: "60000" });
  resetConfigForTests();
});
beforeEach(async () => {
  hog = (await createTestAccount("advertiser", "Hog")).account.id;
  victim = (await createTestAccount("advertiser", "Victim")).account.id;
  hanging = await startReceiver();
  hanging.respondWith({ hang: true });
  receiver = await startReceiver();
});
afterEach(async () => {
  // Closing the hanging receiver ends its attempts (connection reset), so stopping is quick.
  await hanging.close();
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await receiver.close();
});
afterAll(async () => {
  useFastDeliverySettings();
  resetConfigForTests();
  await closeDb();
});

async function startWorker(opts: DeliveryWorkerOptions) {
  const worker = new DeliveryWorker({ accountIds: [hog, victim], stopTimeoutMs: 500, ...opts });
  workers.push(worker);
  await worker.start();
  return worker;
}

/** `events` events to each of `endpoints` endpoints of the hog at the hanging receiver, not woken. */
async function hogBacklog(endpoints: number, events: number, url = hanging.url) {
  for (let i = 0; i < endpoints; i++) await createTestWebhook(hog, url);
  for (let i = 0; i < events; i++) await emitTestEvent(hog, "conversion.created", { wake: false });
}

async function waitForStatus(id: string, status: "succeeded") {
  const deadline = Date.now() + 10_000;
  while ((await getDelivery(id)).status !== status) {
    if (Date.now() > deadline) throw new Error(`delivery ${id} did not become ${status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Lets the worker run its claim loop a while: whatever it would still start, it starts. */
const settle = () => new Promise((r) => setTimeout(r, 400));

describe("fair shares between accounts (embedded worker)", () => {
  it("an account alone uses every slot; another account's deliveries then go out at once beside it", async () => {
    await hogBacklog(3, 8); // 24 deliveries, all older than the victim's
    await startWorker({ concurrency: 4, perEndpoint: 2, perAccount: 1 });
    // Alone, the hog borrows every slot, though its share is one.
    await hanging.waitFor(4);
    await settle();
    expect(hanging.received).toHaveLength(4);
    expect(hanging.peakConcurrency).toBe(4);

    const { secrets } = await createTestWebhook(victim, receiver.url);
    receiver.setSecrets(secrets);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(...(await emitTestEvent(victim)).deliveryIds);
    const got = await receiver.waitFor(3);
    // Delivered while all four hanging attempts were still open: the victim never waited for
    // one of the hog's slots, and the hog got no new one.
    expect(hanging.received).toHaveLength(4);
    expect(new Set(got.map((r) => r.webhookId))).toEqual(new Set(ids));
    for (const r of got) expect(r.signatureValid).toEqual([true]);
    for (const id of ids) await waitForStatus(id, "succeeded");
  });

  it("two accounts with backlogs get one share each, whichever is older", async () => {
    const other = await startReceiver();
    other.respondWith({ hang: true });
    try {
      await hogBacklog(2, 20); // 40 deliveries, older: the oldest-first scan sees only these
      for (let i = 0; i < 2; i++) await createTestWebhook(victim, other.url);
      for (let i = 0; i < 20; i++) await emitTestEvent(victim, "conversion.created", { wake: false });
      await startWorker({ concurrency: 4, perEndpoint: 2, perAccount: 2 });
      await Promise.all([hanging.waitFor(2), other.waitFor(2)]);
      await settle();
      // Both wait with due work, so neither may borrow: two slots each, the rest of the backlog unsent.
      expect(hanging.received).toHaveLength(2);
      expect(other.received).toHaveLength(2);
    } finally {
      await other.close();
    }
  });

  it("keeps the per-endpoint cap for an account using every slot", async () => {
    await hogBacklog(1, 10);
    await startWorker({ concurrency: 8, perEndpoint: 3, perAccount: 1 });
    await hanging.waitFor(3);
    await settle();
    expect(hanging.received).toHaveLength(3);
  });

  it("an account past its share borrows only idle slots: a busy neighbour's deliveries all go out", async () => {
    // Not hanging: the hog's receiver is slow, so its attempts keep ending and it keeps asking.
    hanging.respondWith({ status: 200, delayMs: 100 });
    await hogBacklog(4, 10);
    await startWorker({ concurrency: 4, perEndpoint: 2, perAccount: 1 });
    await hanging.waitFor(4);
    const { secrets } = await createTestWebhook(victim, receiver.url);
    receiver.setSecrets(secrets);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(...(await emitTestEvent(victim)).deliveryIds);
    await receiver.waitFor(5);
    // All five went out before the hog's backlog of 40 was through.
    expect(hanging.received.length).toBeLessThan(40);
    for (const id of ids) await waitForStatus(id, "succeeded");
  });
});
