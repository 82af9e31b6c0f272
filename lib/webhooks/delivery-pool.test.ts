import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb, getDbHandle, getDeliveryDb, resultRows } from "@/lib/db";
import { createTestAccount } from "@/lib/testing/fixtures";
import { startReceiver } from "@/lib/testing/receiver";
import { createTestWebhook, emitTestEvent, getAttempts, getDelivery, useFastDeliverySettings } from "@/lib/testing/webhook-fixtures";
import { DeliveryWorker } from "./worker";

// The delivery engine works on connections of its own: with every connection of the requests'
// pool held by open transactions (an API under load), the embedded worker still claims, sends and
// records. On the shared pool it waited for a free connection and delivered nothing.

const REQUEST_POOL = 2;

/** Polls the delivery's status on the engine's connections until it succeeded (or 10 s passed). */
async function awaitSuccess(deliveryId: string): Promise<string> {
  const db = await getDeliveryDb();
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [row] = resultRows<{ status: string }>(await db.execute(sql`select status from deliveries where id = ${deliveryId}`));
    if (row?.status === "succeeded" || Date.now() > deadline) return row?.status ?? "missing";
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  await closeDb();
  useFastDeliverySettings({ DATABASE_POOL_MAX: String(REQUEST_POOL) });
  resetConfigForTests();
});
afterAll(async () => {
  delete process.env.DATABASE_POOL_MAX;
  useFastDeliverySettings();
  resetConfigForTests();
  await closeDb();
});

describe("the delivery engine's own connections", () => {
  it("the embedded worker delivers while every request connection is busy (PostgreSQL; PGlite has one database for both)", async () => {
    const { account } = await createTestAccount("advertiser", "Pool");
    const receiver = await startReceiver();
    const worker = new DeliveryWorker({ accountIds: [account.id], stopTimeoutMs: 500 });
    try {
      const { secrets } = await createTestWebhook(account.id, receiver.url);
      receiver.setSecrets(secrets);
      const [deliveryId] = (await emitTestEvent(account.id, "conversion.created", { wake: false })).deliveryIds;

      const { driver } = await getDbHandle();
      if (driver === "pglite") {
        // One embedded database, opened once: the engine and the requests share it.
        expect(await getDeliveryDb()).toBe(await getDb());
        await worker.start();
        expect(await awaitSuccess(deliveryId!)).toBe("succeeded");
      } else {
        expect(await getDeliveryDb()).not.toBe(await getDb());
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        const holding: Promise<void>[] = [];
        let opened = 0;
        let allOpen!: () => void;
        const allHeld = new Promise<void>((resolve) => (allOpen = resolve));
        for (let i = 0; i < REQUEST_POOL; i++) {
          holding.push(
            (await getDb()).transaction(async (tx) => {
              await tx.execute(sql`select 1`);
              if (++opened === REQUEST_POOL) allOpen();
              await released;
            }),
          );
        }
        await allHeld;
        try {
          await worker.start();
          const [request] = await receiver.waitFor(1, { timeoutMs: 10_000 });
          expect(request!.signatureValid).toContain(true);
          // Recorded on the engine's connections too, while the requests' pool is still full.
          expect(await awaitSuccess(deliveryId!)).toBe("succeeded");
        } finally {
          release();
          await Promise.all(holding);
        }
      }
      expect((await getDelivery(deliveryId!)).status).toBe("succeeded");
      expect(await getAttempts(deliveryId!)).toHaveLength(1);
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });
});
