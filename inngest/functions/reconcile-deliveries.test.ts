import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb } from "@/lib/db";
import { deliveries } from "@/lib/db/schema";
import { createTestAccount } from "@/lib/testing/fixtures";
import { createTestWebhook, emitTestEvent, useFastDeliverySettings } from "@/lib/testing/webhook-fixtures";
import { DELIVERY_REQUESTED, deliveryRequestId } from "@/lib/webhooks/engine";
import { findLostDeliveries, OVERDUE_MS, reconcileDeliveries } from "./reconcile-deliveries";

let accountId: string;

beforeAll(async () => {
  useFastDeliverySettings();
  resetConfigForTests();
  accountId = (await createTestAccount("advertiser")).account.id;
  await createTestWebhook(accountId, "https://hooks.example.com/in");
});
afterAll(closeDb);

async function newDelivery() {
  const { deliveryIds } = await emitTestEvent(accountId, "conversion.created", { wake: false });
  return deliveryIds[0]!;
}

describe("reconcile-deliveries (inngest)", () => {
  it("finds deliveries overdue by more than two minutes with no live lease", async () => {
    const db = await getDb();
    const [lost, recent, leased] = [await newDelivery(), await newDelivery(), await newDelivery()];
    const old = new Date(Date.now() - 3 * 60_000);
    await db.update(deliveries).set({ nextAttemptAt: old }).where(eq(deliveries.id, lost));
    await db
      .update(deliveries)
      .set({ nextAttemptAt: old, lockedBy: "someone", lockedUntil: new Date(Date.now() + 60_000) })
      .where(eq(deliveries.id, leased));
    // `recent` is pending and due, but not overdue: its wake-up may still be on its way.
    expect((await findLostDeliveries(new Date(), [accountId])).map((r) => r.id)).toEqual([lost]);
    // Once `recent` is overdue too and the lease on `leased` has run out, both count as lost:
    // they were left out above for those reasons, not for being unfindable.
    const later = new Date(Date.now() + OVERDUE_MS + 2 * 60_000);
    expect(new Set((await findLostDeliveries(later, [accountId])).map((r) => r.id))).toEqual(new Set([lost, recent, leased]));
  });

  it("re-requests what it finds, with the event id of the first request of that state", async () => {
    const version = "2026-01-02T03:04:05.678Z"; // as the step's JSON result carries it
    const lost = ["dlv_a", "dlv_b"].map((id) => ({ id, webhookId: "wh_x", accountId: "acct_y", attemptCount: 2, endpointVersion: version }));
    const t = new InngestTestEngine({
      function: reconcileDeliveries,
      steps: [
        { id: "find-lost-deliveries", handler: () => lost },
        // No Inngest server here to receive the events: the send step is mocked, its input asserted.
        { id: "request-deliveries", handler: () => ({ ids: ["a", "b"] }) },
      ],
    });
    const { result, ctx } = await t.execute();
    expect(result).toEqual({ requested: 2 });
    const sent = (ctx.step.sendEvent as unknown as { mock: { calls: [string, { name: string; id: string; data: unknown }[]][] } }).mock.calls;
    expect(sent.map(([stepId, events]) => [stepId, events.map(({ name, id, data }) => ({ name, id, data }))])).toEqual([
      [
        "request-deliveries",
        lost.map((r) => ({
          name: DELIVERY_REQUESTED,
          id: deliveryRequestId({ ...r, endpointVersion: new Date(version) }),
          data: { deliveryId: r.id, webhookId: "wh_x", accountId: "acct_y", fifo: false },
        })),
      ],
    ]);
    expect(sent[0]![1][0]!.id).toBe(`dlv_a:a2:v${Date.parse(version)}`);
  });
});
