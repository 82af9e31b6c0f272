import { eq, inArray } from "drizzle-orm";
import { POST as applyRoute } from "@/app/api/v1/programs/[id]/partnerships/route";
import { POST as createProgramRoute } from "@/app/api/v1/programs/route";
import { getDb } from "@/lib/db";
import { deliveries, events, webhooks } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { callRoute, createTestAccount } from "@/lib/testing/fixtures";
import { EVENT_TYPES, type EventBody, type EventType } from "@/lib/webhooks/events";

// Test-only helpers for the event sources: endpoints written straight into `webhooks`, and
// the deliveries they got, read straight from `deliveries`.

/** An endpoint row of `accountId`; the URL never resolves, so a stray worker sends nothing. */
export async function insertWebhook(accountId: string, subscribed: readonly EventType[], enabled = true) {
  const db = await getDb();
  const id = newId("webhook");
  await db.insert(webhooks).values({
    id,
    accountId,
    url: `https://${id}.example.invalid/hook`,
    events: [...subscribed],
    enabled,
  });
  return id;
}

/** Every delivery written for these endpoints, with the event body it carries. */
export async function deliveriesOf(webhookIds: string[]) {
  const db = await getDb();
  const rows = await db
    .select({
      id: deliveries.id,
      accountId: deliveries.accountId,
      webhookId: deliveries.webhookId,
      eventId: deliveries.eventId,
      eventType: deliveries.eventType,
      test: deliveries.test,
      status: deliveries.status,
      eventTest: events.test,
      body: events.body,
    })
    .from(deliveries)
    .innerJoin(events, eq(events.id, deliveries.eventId))
    .where(inArray(deliveries.webhookId, webhookIds));
  return rows.map((r) => {
    const payload: EventBody = JSON.parse(r.body);
    return { ...r, payload };
  });
}

/** An advertiser with a program, an affiliate (not applied yet) and a stranger of each kind. */
export async function createScenario() {
  const [advertiser, affiliate, otherAdvertiser, otherAffiliate] = await Promise.all([
    createTestAccount("advertiser"),
    createTestAccount("affiliate"),
    createTestAccount("advertiser"),
    createTestAccount("affiliate"),
  ]);
  const program = await callRoute(createProgramRoute, {
    method: "POST",
    apiKey: advertiser.apiKey,
    body: { name: "Spring sale", commissionRate: 10 },
  });
  if (program.status !== 201) throw new Error(`program not created: ${JSON.stringify(program.json)}`);
  const programId: string = program.json.id;
  return { advertiser, affiliate, otherAdvertiser, otherAffiliate, programId };
}

/** The affiliate applies to the program (emits partnership.created). */
export async function applyAs(apiKey: string, programId: string) {
  return callRoute(applyRoute, { method: "POST", apiKey, params: { id: programId } });
}

/** Endpoints for `accountId`: one subscribed to everything, one to everything but `type`. */
export async function insertEndpointPair(accountId: string, type: EventType) {
  const all = await insertWebhook(accountId, EVENT_TYPES);
  const others = await insertWebhook(accountId, EVENT_TYPES.filter((t) => t !== type));
  return { all, others };
}
