import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { closeDb, getDb, type Queryable } from "@/lib/db";
import { deliveries, events } from "@/lib/db/schema";
import { createTestAccount } from "@/lib/testing/fixtures";
import { createTestWebhook } from "@/lib/testing/webhook-fixtures";
import { EVENT_BODY_SCHEMAS, EVENT_CATALOGUE, EVENT_TYPES, type EventData } from "./events";
import { enqueueEvent } from "./outbox";

beforeAll(async () => {
  await getDb();
});
afterAll(async () => {
  await closeDb();
});

// Compile-time checks: `npx tsc --noEmit` fails if any of these stops being an error. Never
// called; the function only exists to be type-checked.
export function producersAreTypedByEventName(tx: Queryable) {
  const { amount: _amount, ...withoutAmount } = EVENT_CATALOGUE["conversion.created"].sample;
  // @ts-expect-error — a conversion event without `amount` does not compile
  void enqueueEvent(tx, { type: "conversion.created", data: withoutAmount, recipientAccountIds: [] });
  // @ts-expect-error — nor one whose status is not the event's
  void enqueueEvent(tx, { type: "conversion.approved", data: EVENT_CATALOGUE["conversion.created"].sample, recipientAccountIds: [] });
  // @ts-expect-error — nor partnership data under a conversion event's name
  void enqueueEvent(tx, { type: "conversion.created", data: EVENT_CATALOGUE["partnership.created"].sample, recipientAccountIds: [] });
  const ok: EventData<"conversion.rejected"> = EVENT_CATALOGUE["conversion.rejected"].sample;
  void enqueueEvent(tx, { type: "conversion.rejected", data: ok, recipientAccountIds: [] });
}

async function endpointSubscribedToAll() {
  const { account } = await createTestAccount("advertiser");
  const webhook = await createTestWebhook(account.id, "https://receiver.example.test/in", { events: [...EVENT_TYPES] });
  return { accountId: account.id, webhookId: webhook.webhookId };
}

describe("enqueueEvent", () => {
  test.each(EVENT_TYPES)("stores a %s body that passes the event's documented schema", async (type) => {
    const { accountId, webhookId } = await endpointSubscribedToAll();
    const db = await getDb();
    const { eventId, deliveryIds } = await db.transaction((tx) =>
      enqueueEvent(tx, { type, data: EVENT_CATALOGUE[type].sample, recipientAccountIds: [accountId] }),
    );
    expect(deliveryIds).toHaveLength(1);
    const [row] = await db.select({ body: events.body }).from(events).where(eq(events.id, eventId));
    const parsed = EVENT_BODY_SCHEMAS[type].safeParse(JSON.parse(row!.body));
    expect(parsed.error).toBeUndefined();
    const [delivery] = await db.select({ webhookId: deliveries.webhookId }).from(deliveries).where(eq(deliveries.id, deliveryIds[0]!));
    expect(delivery!.webhookId).toBe(webhookId);
  });

  test("refuses data that drifts from the event's schema, and writes nothing", async () => {
    const { accountId, webhookId } = await endpointSubscribedToAll();
    const db = await getDb();
    const { amount: _amount, ...withoutAmount } = EVENT_CATALOGUE["conversion.created"].sample;
    await expect(
      db.transaction((tx) =>
        // @ts-expect-error — what a producer that lost `amount` would send, past the type checker
        enqueueEvent(tx, { type: "conversion.created", data: withoutAmount, recipientAccountIds: [accountId] }),
      ),
    ).rejects.toThrow(/conversion\.created.*amount/s);
    expect(await db.select().from(deliveries).where(eq(deliveries.webhookId, webhookId))).toEqual([]);
  });
});
