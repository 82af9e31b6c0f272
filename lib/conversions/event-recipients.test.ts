import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { POST as approveRoute } from "@/app/api/v1/conversions/[id]/approve/route";
import { POST as rejectRoute } from "@/app/api/v1/conversions/[id]/reject/route";
import { POST as createConversionRoute } from "@/app/api/v1/conversions/route";
import { closeDb, getDb } from "@/lib/db";
import { callRoute } from "@/lib/testing/fixtures";
import { BUSINESS_EVENT_TYPES, EVENT_CATALOGUE, type BusinessEventType } from "@/lib/webhooks/events";
import { applyAs, createScenario, deliveriesOf, insertEndpointPair } from "./test-scenario";

// Open the database (PGlite starts in seconds) before the first test's clock runs.
beforeAll(async () => {
  await getDb();
});
afterAll(closeDb);

type Scenario = Awaited<ReturnType<typeof createScenario>>;

// Performs the business action behind each event; returns the id the event's data must carry.
// (Operational endpoint.* events have their own tests: lib/webhooks/notices.test.ts.)
const TRIGGERS: Record<BusinessEventType, (s: Scenario) => Promise<string>> = {
  "partnership.created": async (s) => {
    const res = await applyAs(s.affiliate.apiKey, s.programId);
    expect(res.status).toBe(201);
    return res.json.id;
  },
  "conversion.created": async (s) => {
    await applyAs(s.affiliate.apiKey, s.programId);
    return createConversion(s);
  },
  "conversion.approved": async (s) => {
    await applyAs(s.affiliate.apiKey, s.programId);
    const id = await createConversion(s);
    const res = await callRoute(approveRoute, { method: "POST", apiKey: s.advertiser.apiKey, params: { id } });
    expect(res.status).toBe(200);
    return id;
  },
  "conversion.rejected": async (s) => {
    await applyAs(s.affiliate.apiKey, s.programId);
    const id = await createConversion(s);
    const res = await callRoute(rejectRoute, {
      method: "POST",
      apiKey: s.advertiser.apiKey,
      params: { id },
      body: { reason: "Order was refunded" },
    });
    expect(res.status).toBe(200);
    return id;
  },
};

async function createConversion(s: Scenario): Promise<string> {
  const res = await callRoute(createConversionRoute, {
    method: "POST",
    apiKey: s.advertiser.apiKey,
    body: { programId: s.programId, affiliateId: s.affiliate.account.id, amount: 4999, externalId: "order-1" },
  });
  expect(res.status).toBe(201);
  return res.json.id;
}

describe("who receives each event", () => {
  test.each(BUSINESS_EVENT_TYPES)(
    "%s reaches each subscribed endpoint of the advertiser and the affiliate once, and nobody else",
    async (type) => {
      const s = await createScenario();
      const advertiser = await insertEndpointPair(s.advertiser.account.id, type);
      const affiliate = await insertEndpointPair(s.affiliate.account.id, type);
      const strangers = [
        await insertEndpointPair(s.otherAdvertiser.account.id, type),
        await insertEndpointPair(s.otherAffiliate.account.id, type),
      ];

      const resourceId = await TRIGGERS[type](s);

      const all = [advertiser, affiliate, ...strangers].flatMap((p) => [p.all, p.others]);
      const ofType = (await deliveriesOf(all)).filter((d) => d.eventType === type);
      expect(ofType.map((d) => d.webhookId).sort()).toEqual([advertiser.all, affiliate.all].sort());
      // Both recipients get the same event, not two copies of it.
      expect(new Set(ofType.map((d) => d.eventId)).size).toBe(1);
      // Strangers' endpoints get nothing at all, of any type.
      const strangerIds = strangers.flatMap((p) => [p.all, p.others]);
      expect(await deliveriesOf(strangerIds)).toEqual([]);

      const { payload } = ofType[0]!;
      expect(payload.event).toBe(type);
      expect(new Date(payload.timestamp).toISOString()).toBe(payload.timestamp);
      // Real payloads have exactly the fields of the catalogue's sample.
      expect(Object.keys(payload.data).sort()).toEqual(Object.keys(EVENT_CATALOGUE[type].sample).sort());
      expect(payload.data).toMatchObject({
        id: resourceId,
        programId: s.programId,
        advertiserId: s.advertiser.account.id,
        affiliateId: s.affiliate.account.id,
      });
      expect(ofType.every((d) => !d.test && !d.eventTest)).toBe(true);
    },
  );
});
