import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb } from "@/lib/db";
import { deliveries, webhooks } from "@/lib/db/schema";
import { createTestAccount } from "@/lib/testing/fixtures";
import { startReceiver, type Receiver } from "@/lib/testing/receiver";
import { createTestWebhook, emitTestEvent, getAttempts, getDelivery, useFastDeliverySettings } from "@/lib/testing/webhook-fixtures";
import { DELIVERY_REQUESTED } from "@/lib/webhooks/engine";
import { deliverWebhook, deliverWebhookFifo } from "./deliver-webhook";

// The endpoint options on the inngest engine, run under @inngest/test against the real database
// and a real receiver: a delivery over its endpoint's rate sleeps until its turn and is then
// sent (never failed or dropped), and a FIFO delivery waits for the ones ahead of it, retries
// included. A mocked sleep stands for the time passing (the test engine cannot wait), so its
// handler moves the clock's effects forward in the database.

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
  await receiver.close();
});
afterAll(async () => {
  resetConfigForTests();
  await closeDb();
});

type Mocked = { mock: { calls: unknown[][] } };
type StepMock = { id: string; handler: () => unknown };

/** A run of the function the request goes to: deliver-webhook-fifo for a FIFO endpoint. */
async function runFor(fifo: boolean, deliveryId: string, steps: StepMock[]) {
  const d = await getDelivery(deliveryId);
  const t = new InngestTestEngine({
    function: fifo ? deliverWebhookFifo : deliverWebhook,
    events: [{ name: DELIVERY_REQUESTED, data: { deliveryId, webhookId: d.webhookId, accountId: d.accountId, fifo } }],
    steps,
  });
  const { result, ctx } = await t.execute();
  const ran = (ctx.step.run as unknown as Mocked).mock.calls.map((c) => c[0]);
  const slept = (ctx.step.sleepUntil as unknown as Mocked).mock.calls.map((c): [string, string] => [String(c[0]), String(c[1])]);
  return { result, steps: ran, slept };
}

const backoffs = () => [1, 2, 3, 4, 5].map((n) => ({ id: `backoff-${n}`, handler: () => null }));

describe("deliver-webhook (inngest) with a throttled endpoint", () => {
  it("sleeps a delivery over the rate until its turn, then sends it: not failed, no attempt used", async () => {
    const { webhookId, secrets } = await createTestWebhook(accountId, receiver.url, { rateLimitPerSecond: 2 });
    receiver.setSecrets(secrets);
    const db = await getDb();
    // Other sends have taken the endpoint's turns for the next minute.
    const busyUntil = new Date(Date.now() + 60_000);
    await db.update(webhooks).set({ nextSendAt: busyUntil }).where(eq(webhooks.id, webhookId));
    const [id] = (await emitTestEvent(accountId, "conversion.created", { wake: false })).deliveryIds;

    let whileWaiting: Awaited<ReturnType<typeof getDelivery>> | undefined;
    let sentWhileWaiting: number | undefined;
    const turnComes: StepMock = {
      id: "throttled-1",
      handler: async () => {
        // (A mocked step's handler swallows a failed expect: record, assert after the run.)
        whileWaiting = await getDelivery(id!);
        sentWhileWaiting = receiver.received.length;
        // Time passes: the turn it was given has come.
        await db.update(deliveries).set({ nextAttemptAt: new Date() }).where(eq(deliveries.id, id!));
        await db.update(webhooks).set({ nextSendAt: null }).where(eq(webhooks.id, webhookId));
        return null;
      },
    };
    const { result, steps, slept } = await runFor(false, id!, [turnComes, ...backoffs()]);

    expect(steps).toEqual(["attempt-1", "attempt-2"]);
    expect(slept).toHaveLength(1);
    const [sleepId, until] = slept[0]!;
    expect(sleepId).toBe("throttled-1");
    // It waits for a turn after the ones already taken, and the delivery says so meanwhile.
    expect(Date.parse(until)).toBeGreaterThanOrEqual(busyUntil.getTime());
    expect(sentWhileWaiting).toBe(0);
    expect(whileWaiting).toMatchObject({ status: "pending", attemptCount: 0 });
    expect(whileWaiting!.throttledUntil!.toISOString()).toBe(until);
    expect(whileWaiting!.nextAttemptAt!.toISOString()).toBe(until);

    expect(result).toEqual({ status: "succeeded", attemptNumber: 1 });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.signatureValid).toEqual([true]);
    const after = await getDelivery(id!);
    expect(after.throttledUntil).toBeNull();
    expect(await getAttempts(id!)).toHaveLength(1);
  });
});

describe("deliver-webhook-fifo (inngest)", () => {
  async function fifoLine(count: number) {
    const { secrets } = await createTestWebhook(accountId, receiver.url, { fifo: true });
    receiver.setSecrets(secrets);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(...(await emitTestEvent(accountId, "conversion.created", { wake: false })).deliveryIds);
    return ids;
  }

  it("keeps a later delivery waiting while an earlier one is being retried, and sends it once that one failed for good", async () => {
    const [first, second] = await fifoLine(2);
    // The first fails all 4 attempts; the second would be accepted.
    receiver.queue({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });

    // The second's run starts first (Inngest does not promise order): it must not send.
    let firstResult: unknown;
    let sentBeforeFirstRan: number | undefined;
    const aheadRuns: StepMock = {
      id: "behind-1",
      handler: async () => {
        sentBeforeFirstRan = receiver.received.length;
        // Meanwhile the first one's own run makes its attempts, to the end of its budget.
        firstResult = (await runFor(true, first!, backoffs())).result;
        return null;
      },
    };
    const { result, steps, slept } = await runFor(true, second!, [aheadRuns, ...backoffs()]);

    expect(sentBeforeFirstRan).toBe(0);
    expect(firstResult).toEqual({ status: "failed", attemptNumber: 4 });
    expect(steps).toEqual(["attempt-1", "attempt-2"]);
    expect(slept.map(([s]) => s)).toEqual(["behind-1"]);
    expect(result).toEqual({ status: "succeeded", attemptNumber: 1 });
    expect(receiver.received.map((r) => r.webhookId)).toEqual([first, first, first, first, second]);
  });

  it("sends the head of the line at once and a delivery with nothing ahead of it without waiting", async () => {
    const [first, second] = await fifoLine(2);
    expect((await runFor(true, first!, backoffs())).result).toEqual({ status: "succeeded", attemptNumber: 1 });
    const { result, slept } = await runFor(true, second!, backoffs());
    expect(result).toEqual({ status: "succeeded", attemptNumber: 1 });
    expect(slept).toEqual([]);
    expect(receiver.received.map((r) => r.webhookId)).toEqual([first, second]);
  });
});
