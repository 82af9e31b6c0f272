import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb } from "@/lib/db";
import { deliveries, webhooks } from "@/lib/db/schema";
import { createTestAccount } from "@/lib/testing/fixtures";
import { startReceiver, type Receiver } from "@/lib/testing/receiver";
import { startSmtpSink, type SmtpSink } from "@/lib/testing/smtp";
import { createTestWebhook, emitTestEvent, getAttempts, getWebhook, useFastDeliverySettings } from "@/lib/testing/webhook-fixtures";
import { DELIVERY_REQUESTED } from "@/lib/webhooks/engine";
import { OPERATIONAL_EVENT_TYPES } from "@/lib/webhooks/events";
import { listNotices, noticesSettled } from "@/lib/webhooks/notices";
import { inngest } from "../client";
import { checkEndpointHealthFunction } from "./check-endpoint-health";
import { deliverWebhook } from "./deliver-webhook";

// The inngest engine records outcomes through the same state machine, so the same notices follow:
// mail through a real loopback SMTP server, and operational events requested from Inngest and
// delivered by the deliver-webhook function to a real verifying receiver. The Inngest server
// cannot run here: `inngest.send` is captured, and each requested event is run with @inngest/test.

let smtp: SmtpSink;
let failingReceiver: Receiver;
let opsReceiver: Receiver;
let accountId: string;
let requested: string[];

beforeAll(async () => {
  smtp = await startSmtpSink();
});
beforeEach(async () => {
  useFastDeliverySettings({
    WEBHOOK_RETRY_DELAYS_MS: "0,0,0",
    WEBHOOK_ENGINE: "inngest",
    SMTP_URL: smtp.url,
    // A window of 20 ms (halfway: 10 ms): the second exhausted delivery, started after it, is past it.
    WEBHOOK_DISABLE_AFTER: "20",
  });
  resetConfigForTests();
  accountId = (await createTestAccount("affiliate")).account.id;
  failingReceiver = await startReceiver();
  failingReceiver.respondWith({ status: 500 });
  opsReceiver = await startReceiver();
  smtp.received.length = 0;
  requested = [];
  vi.spyOn(inngest, "send").mockImplementation(async (payload) => {
    for (const e of [payload].flat()) if (e.name === DELIVERY_REQUESTED) requested.push(String(e.data?.deliveryId));
    return { ids: [] };
  });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all([failingReceiver.close(), opsReceiver.close()]);
  for (const key of ["SMTP_URL", "WEBHOOK_ENGINE", "WEBHOOK_DISABLE_AFTER"]) delete process.env[key];
  resetConfigForTests();
});
afterAll(async () => {
  await smtp.close();
  await closeDb();
});

const mockedSleeps = () => [1, 2, 3].map((n) => ({ id: `backoff-${n}`, handler: () => null }));

// The event as the producer sends it: the delivery with its endpoint and account.
async function run(deliveryId: string) {
  const db = await getDb();
  const [row] = await db
    .select({ webhookId: deliveries.webhookId, accountId: deliveries.accountId })
    .from(deliveries)
    .where(eq(deliveries.id, deliveryId));
  const t = new InngestTestEngine({
    function: deliverWebhook,
    events: [{ name: DELIVERY_REQUESTED, data: { deliveryId, ...row! } }],
    steps: mockedSleeps(),
  });
  return (await t.execute()).result;
}

/** Runs every delivery Inngest was asked for (the operational events) and returns their bodies. */
async function runRequested() {
  await noticesSettled();
  const ids = requested.splice(0);
  for (const id of ids) expect(await run(id)).toMatchObject({ status: "succeeded" });
  return opsReceiver.received.map((r) => {
    expect(r.signatureValid).toEqual([true]);
    expect(r.standardValid).toEqual([true]);
    return JSON.parse(r.body) as { event: string; data: Record<string, unknown> };
  });
}

async function setUp() {
  const failing = await createTestWebhook(accountId, failingReceiver.url);
  const ops = await createTestWebhook(accountId, opsReceiver.url, { events: [...OPERATIONAL_EVENT_TYPES] });
  failingReceiver.setSecrets(failing.secrets);
  opsReceiver.setSecrets(ops.secrets);
  return { failingId: failing.webhookId };
}

async function newDelivery(failingId: string) {
  const { deliveries } = await emitTestEvent(accountId, "conversion.created", { wake: false });
  return deliveries!.find((d) => d.webhookId === failingId)!.id;
}

describe("endpoint notices on the inngest engine", () => {
  it("mails and sends endpoint.failing, then endpoint.disabled, from deliveries recorded by deliver-webhook", async () => {
    const { failingId } = await setUp();

    const first = await newDelivery(failingId);
    expect(await run(first)).toEqual({ status: "failed", attemptNumber: 4 });
    let events = await runRequested();
    // The cause codes are stored on this engine too: each attempt's, and the endpoint's last error.
    const http500 = { code: "http_status", params: { status: 500 } };
    expect((await getAttempts(first)).map((a) => a.errorCause)).toEqual([http500, http500, http500, http500]);
    expect((await getWebhook(failingId)).lastErrorCause).toEqual(http500);
    expect(smtp.received.map((m) => m.subject)).toEqual([`Your webhook endpoint ${failingReceiver.url} is failing`]);
    expect(events.map((e) => e.event)).toEqual(["endpoint.failing"]);
    expect(events[0]!.data).toMatchObject({ id: failingId, status: "failing", lastError: "Receiver answered HTTP 500" });

    const since = (await getWebhook(failingId)).failingSince!.getTime();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, since + 25 - Date.now())));
    expect(await run(await newDelivery(failingId))).toEqual({ status: "failed", attemptNumber: 4 });
    events = await runRequested();
    expect(smtp.received.map((m) => m.subject).at(-1)).toBe(`Your webhook endpoint ${failingReceiver.url} was disabled`);
    expect(events.map((e) => e.event)).toEqual(["endpoint.failing", "endpoint.disabled"]);
    expect(await getWebhook(failingId)).toMatchObject({ enabled: false, disabledReasonCause: { code: "failing_too_long" } });
  });

  it("the check-endpoint-health cron warns an endpoint failing for half the window, once", async () => {
    process.env.WEBHOOK_DISABLE_AFTER = "3d";
    resetConfigForTests();
    const { failingId } = await setUp();
    const db = await getDb();
    await db
      .update(webhooks)
      .set({ failingSince: new Date(Date.now() - 2 * 86_400_000), lastError: "Timed out after 15000 ms" })
      .where(eq(webhooks.id, failingId));

    const cron = () => new InngestTestEngine({ function: checkEndpointHealthFunction }).execute();
    const { result } = await cron();
    expect(result).toMatchObject({ warned: expect.any(Number) });
    const events = await runRequested();
    expect(smtp.received.map((m) => m.subject)).toEqual([
      expect.stringMatching(new RegExp(`^Your webhook endpoint ${failingReceiver.url} will be disabled on `)),
    ]);
    expect(smtp.received[0]!.text).toContain("Last error: Timed out after 15000 ms");
    expect(events).toEqual([expect.objectContaining({ event: "endpoint.failing", data: expect.objectContaining({ stage: "disabling_soon" }) })]);

    await cron();
    await noticesSettled();
    expect(smtp.received).toHaveLength(1);
    expect((await listNotices(accountId)).map((n) => n.kind)).toEqual(["disabling"]);
  });
});
