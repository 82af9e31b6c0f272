import { InngestTestEngine } from "@inngest/test";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { closeDb } from "@/lib/db";
import { createTestAccount } from "@/lib/testing/fixtures";
import { startReceiver, type Receiver } from "@/lib/testing/receiver";
import { createTestWebhook, emitTestEvent, getDelivery, getWebhook, useFastDeliverySettings } from "@/lib/testing/webhook-fixtures";
import { DELIVERY_REQUESTED } from "@/lib/webhooks/engine";
import { inngest } from "../client";
import { deliverWebhook } from "./deliver-webhook";
import { rescueDelivery } from "./rescue-delivery";

// deliver-webhook's failure handler against the real database. @inngest/test cannot start a
// function's onFailure, so the handler runs as a function of its own here, fed the
// `inngest/function.failed` event Inngest sends when a run dies; its wiring is checked in
// deliver-webhook-config.test.ts.

const underTest = inngest.createFunction(
  { id: "rescue-delivery-under-test", triggers: [{ event: "inngest/function.failed" }] },
  rescueDelivery,
);

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
afterEach(() => receiver.close());
afterAll(async () => {
  resetConfigForTests();
  await closeDb();
});

async function pendingDelivery() {
  const { secrets } = await createTestWebhook(accountId, receiver.url);
  receiver.setSecrets(secrets);
  const { deliveryIds } = await emitTestEvent(accountId, "conversion.created", { wake: false });
  const delivery = await getDelivery(deliveryIds[0]!);
  return { ...delivery, requested: { deliveryId: delivery.id, webhookId: delivery.webhookId, accountId } };
}

type Sent = { name: string; id: string; data: unknown };

/** Runs the handler for a dead run of `requested`; the send is asserted, not performed (no Inngest here). */
async function rescue(requested: { deliveryId: string; webhookId: string; accountId: string }) {
  const t = new InngestTestEngine({
    function: underTest,
    events: [
      {
        name: "inngest/function.failed",
        data: {
          function_id: "partnersmy-webhooks-deliver-webhook",
          run_id: "01JDEADRUN",
          error: { name: "Error", message: "connect ECONNREFUSED 127.0.0.1:5432" },
          event: { name: DELIVERY_REQUESTED, data: requested },
        },
      },
    ],
    steps: [
      { id: "let-the-outage-pass", handler: () => null },
      { id: "re-request-delivery", handler: () => ({ ids: ["rescued"] }) },
    ],
  });
  const { result, ctx } = await t.execute();
  const sent = (ctx.step.sendEvent as unknown as { mock: { calls: [string, Sent][] } }).mock.calls;
  const slept = (ctx.step.sleep as unknown as { mock: { calls: [string, string][] } }).mock.calls;
  return { result, sent: sent.map(([, e]) => ({ name: e.name, id: e.id, data: e.data })), slept };
}

describe("rescue-delivery (deliver-webhook's onFailure)", () => {
  it("re-requests a delivery its dead run left pending, after a pause, under an id of its own", async () => {
    const d = await pendingDelivery();
    const version = (await getWebhook(d.webhookId)).updatedAt.getTime();
    const { result, sent, slept } = await rescue(d.requested);
    expect(result).toEqual({ rescued: true });
    expect(slept).toEqual([["let-the-outage-pass", "1m"]]);
    // Not the dead run's `<id>:a0:v<version>`, which Inngest would ignore for 24 h; one per generation.
    expect(sent).toEqual([{ name: DELIVERY_REQUESTED, id: `${d.id}:a0:v${version}:rescue`, data: { ...d.requested, fifo: false } }]);

    // The re-requested run sends it.
    const run = new InngestTestEngine({ function: deliverWebhook, events: [{ name: DELIVERY_REQUESTED, data: d.requested }] });
    const { result: delivered } = await run.execute();
    expect(delivered).toEqual({ status: "succeeded", attemptNumber: 1 });
    expect(receiver.received.map((r) => r.webhookId)).toEqual([d.id]);
    expect(receiver.received[0]!.signatureValid).toEqual([true]);
  });

  it("leaves a delivery alone once it is settled", async () => {
    const d = await pendingDelivery();
    await new InngestTestEngine({ function: deliverWebhook, events: [{ name: DELIVERY_REQUESTED, data: d.requested }] }).execute();
    expect((await getDelivery(d.id)).status).toBe("succeeded");
    const { result, sent } = await rescue(d.requested);
    expect(result).toEqual({ rescued: false });
    expect(sent).toEqual([]);
  });

  it("does not look at another account's delivery", async () => {
    const d = await pendingDelivery();
    const stranger = (await createTestAccount("advertiser")).account.id;
    const { result, sent } = await rescue({ ...d.requested, accountId: stranger });
    expect(result).toEqual({ rescued: false });
    expect(sent).toEqual([]);
  });
});
