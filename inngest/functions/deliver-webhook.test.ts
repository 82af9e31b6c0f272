import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb } from "@/lib/db";
import { deliveries, webhooks } from "@/lib/db/schema";
import { createTestAccount } from "@/lib/testing/fixtures";
import { startReceiver, type Receiver } from "@/lib/testing/receiver";
import { createTestWebhook, emitTestEvent, getAttempts, getDelivery, getWebhook, useFastDeliverySettings } from "@/lib/testing/webhook-fixtures";
import { DELIVERY_REQUESTED, wakeDeliveryEngine } from "@/lib/webhooks/engine";
import { inngest } from "../client";
import { deliverWebhook } from "./deliver-webhook";

// The inngest engine runs the same state machine; here the function runs under @inngest/test
// against the real database and a real receiver. Retry delays are 0 so that a mocked sleep
// (the test engine cannot wait) leaves the next attempt due at once.

let receiver: Receiver;
let accountId: string;

beforeAll(() => {
  useFastDeliverySettings({ WEBHOOK_RETRY_DELAYS_MS: "0,0,0" });
  resetConfigForTests();
});
beforeEach(async () => {
  accountId = (await createTestAccount("advertiser")).account.id;
  receiver = await startReceiver();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await receiver.close();
});
afterAll(async () => {
  resetConfigForTests();
  await closeDb();
});

// A fresh list each run: the test engine appends the steps it ran to the list it was given.
const mockedSleeps = () => [1, 2, 3].map((n) => ({ id: `backoff-${n}`, handler: () => null }));

type Mocked = { mock: { calls: unknown[][] } };

async function runFor(deliveryId: string, steps: { id: string; handler: () => unknown }[] = mockedSleeps()) {
  const { webhookId, accountId } = await getDelivery(deliveryId);
  const t = new InngestTestEngine({
    function: deliverWebhook,
    events: [{ name: DELIVERY_REQUESTED, data: { deliveryId, webhookId, accountId } }],
    steps,
  });
  const { result, ctx } = await t.execute();
  const ran = (ctx.step.run as unknown as Mocked).mock.calls.map((c) => c[0]);
  const slept = (ctx.step.sleepUntil as unknown as Mocked).mock.calls.map((c) => [c[0], String(c[1])]);
  return { result, steps: ran, slept };
}

async function newDelivery() {
  const { secrets } = await createTestWebhook(accountId, receiver.url);
  receiver.setSecrets(secrets);
  const { deliveryIds } = await emitTestEvent(accountId, "conversion.created", { wake: false });
  return deliveryIds[0]!;
}

describe("deliver-webhook (inngest)", () => {
  it("stops after one attempt when the receiver accepts", async () => {
    const id = await newDelivery();
    const { result, steps } = await runFor(id);
    expect(result).toEqual({ status: "succeeded", attemptNumber: 1 });
    expect(steps).toEqual(["attempt-1"]);
    expect(receiver.received[0]!.signatureValid).toEqual([true]);
    expect(receiver.received[0]!.standardValid).toEqual([true]);
  });

  it("sleeps out the backoff after a failure, then makes the next attempt", async () => {
    receiver.queue({ status: 500 });
    const id = await newDelivery();
    const { result, steps } = await runFor(id);
    expect(result).toEqual({ status: "succeeded", attemptNumber: 2 });
    expect(steps).toEqual(["attempt-1", "attempt-2"]);
    expect(receiver.received.map((r) => r.attempt)).toEqual([1, 2]);
  });

  it("fails the delivery when the budget is exhausted: 4 attempts", async () => {
    receiver.respondWith({ status: 500 });
    const id = await newDelivery();
    const { result, steps } = await runFor(id);
    expect(result).toEqual({ status: "failed", attemptNumber: 4 });
    expect(steps).toEqual(["attempt-1", "attempt-2", "attempt-3", "attempt-4"]);
    expect((await getDelivery(id)).status).toBe("failed");
    expect(await getAttempts(id)).toHaveLength(4);
  });

  it("waits until another worker's lease ends, then makes the attempt itself", async () => {
    const id = await newDelivery();
    const db = await getDb();
    const lockedUntil = new Date(Date.now() + 60_000);
    await db.update(deliveries).set({ lockedBy: "worker_elsewhere", lockedUntil }).where(eq(deliveries.id, id));
    // The mocked sleep stands for the time passing: when it is over, the other lease has run out
    // (its holder crashed without recording anything).
    const leaseRunsOut = {
      id: "leased-1",
      handler: async () => {
        await db.update(deliveries).set({ lockedUntil: new Date(Date.now() - 1000) }).where(eq(deliveries.id, id));
        return null;
      },
    };
    const { result, steps, slept } = await runFor(id, [leaseRunsOut, ...mockedSleeps()]);
    expect(steps).toEqual(["attempt-1", "attempt-2"]);
    expect(slept).toEqual([["leased-1", lockedUntil.toISOString()]]);
    expect(result).toEqual({ status: "succeeded", attemptNumber: 1 });
    expect(receiver.received).toHaveLength(1);
  });

  it("stops waiting for a lease after a few rounds and leaves the delivery to the reconciler", async () => {
    const id = await newDelivery();
    const db = await getDb();
    await db
      .update(deliveries)
      .set({ lockedBy: "worker_elsewhere", lockedUntil: new Date(Date.now() + 60_000) })
      .where(eq(deliveries.id, id));
    const sleeps = Array.from({ length: 6 }, (_, i) => ({ id: `leased-${i + 1}`, handler: () => null }));
    const { result, steps } = await runFor(id, sleeps);
    expect(result).toMatchObject({ status: "skipped", reason: "leased" });
    expect(steps).toHaveLength(6); // five waits, then it gives up
    expect(receiver.received).toHaveLength(0);
  });

  it("does nothing for a delivery that is already settled", async () => {
    const id = await newDelivery();
    await runFor(id);
    const again = await runFor(id);
    expect(again.result).toEqual({ status: "skipped", reason: "not_pending" });
    expect(receiver.received).toHaveLength(1);
  });
});

describe("wakeDeliveryEngine under the inngest engine", () => {
  afterEach(() => {
    delete process.env.WEBHOOK_ENGINE;
    useFastDeliverySettings({ WEBHOOK_RETRY_DELAYS_MS: "0,0,0" });
    resetConfigForTests();
  });

  it("sends one typed webhooks/delivery.requested event per delivery, with an id per attempt generation", async () => {
    process.env.WEBHOOK_ENGINE = "inngest";
    resetConfigForTests();
    const send = vi.spyOn(inngest, "send").mockResolvedValue({ ids: ["a", "b"] });
    const [first, second] = [await newDelivery(), await newDelivery()];
    await wakeDeliveryEngine([first, second]);
    const events = send.mock.calls.flatMap((c) => c[0] as unknown as { name: string; id: string; data: unknown }[]);
    const expected = async (deliveryId: string) => {
      const d = await getDelivery(deliveryId);
      const version = (await getWebhook(d.webhookId)).updatedAt.getTime();
      return {
        name: DELIVERY_REQUESTED,
        id: `${deliveryId}:a0:v${version}`,
        data: { deliveryId, webhookId: d.webhookId, accountId: accountId, fifo: false },
      };
    };
    expect(events.map(({ name, id, data }) => ({ name, id, data }))).toEqual(
      expect.arrayContaining([await expected(first), await expected(second)]),
    );
    expect(events).toHaveLength(2);

    // The same state twice: the same id (Inngest keeps one). After an attempt, or once the
    // endpoint changed (re-enabled, say), a new one.
    await wakeDeliveryEngine([first]);
    const idsOf = () => send.mock.calls.flatMap((c) => (c[0] as unknown as { id: string }[]).map((e) => e.id));
    expect(idsOf().filter((i) => i.startsWith(first))).toEqual([(await expected(first)).id, (await expected(first)).id]);
    const db = await getDb();
    await db.update(deliveries).set({ attemptCount: 1 }).where(eq(deliveries.id, first));
    await wakeDeliveryEngine([first]);
    await db.update(webhooks).set({ updatedAt: new Date(Date.now() + 5000) }).where(eq(webhooks.id, (await getDelivery(first)).webhookId));
    await wakeDeliveryEngine([first]);
    expect(new Set(idsOf().filter((i) => i.startsWith(first))).size).toBe(3);
  });

  it("never throws to the caller when Inngest cannot be reached (the reconciler catches up)", async () => {
    process.env.WEBHOOK_ENGINE = "inngest";
    resetConfigForTests();
    // No Inngest server exists here, so the real send fails.
    const send = vi.spyOn(inngest, "send");
    await expect(wakeDeliveryEngine([await newDelivery()])).resolves.toBeUndefined();
    expect(send).toHaveBeenCalledTimes(1);
    await expect(send.mock.results[0]!.value).rejects.toThrow();
  });
});

