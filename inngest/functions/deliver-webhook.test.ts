import { InngestTestEngine } from "@inngest/test";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { closeDb } from "@/lib/db";
import { createTestAccount } from "@/lib/testing/fixtures";
import { startReceiver, type Receiver } from "@/lib/testing/receiver";
import { createTestWebhook, emitTestEvent, getAttempts, getDelivery, useFastDeliverySettings } from "@/lib/testing/webhook-fixtures";
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

async function runFor(deliveryId: string) {
  const t = new InngestTestEngine({
    function: deliverWebhook,
    events: [{ name: DELIVERY_REQUESTED, data: { deliveryId } }],
    steps: mockedSleeps(),
  });
  const { result, ctx } = await t.execute();
  const steps = (ctx.step.run as unknown as { mock: { calls: [string][] } }).mock.calls.map((c) => c[0]);
  return { result, steps };
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

  it("sends one webhooks/delivery.requested event per delivery", async () => {
    process.env.WEBHOOK_ENGINE = "inngest";
    resetConfigForTests();
    const send = vi.spyOn(inngest, "send").mockResolvedValue({ ids: ["a", "b"] });
    await wakeDeliveryEngine(["dlv_1", "dlv_2"]);
    expect(send).toHaveBeenCalledWith([
      { name: DELIVERY_REQUESTED, data: { deliveryId: "dlv_1" } },
      { name: DELIVERY_REQUESTED, data: { deliveryId: "dlv_2" } },
    ]);
  });

  it("never throws to the caller when Inngest cannot be reached (the reconciler catches up)", async () => {
    process.env.WEBHOOK_ENGINE = "inngest";
    resetConfigForTests();
    // No Inngest server exists here, so the real send fails.
    const send = vi.spyOn(inngest, "send");
    await expect(wakeDeliveryEngine(["dlv_unsent"])).resolves.toBeUndefined();
    expect(send).toHaveBeenCalledTimes(1);
    await expect(send.mock.results[0]!.value).rejects.toThrow();
  });
});

