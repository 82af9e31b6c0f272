import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as approveRoute } from "@/app/api/v1/conversions/[id]/approve/route";
import { POST as rejectRoute } from "@/app/api/v1/conversions/[id]/reject/route";
import { POST as createRoute } from "@/app/api/v1/conversions/route";
import { closeDb, getDb } from "@/lib/db";
import { conversions } from "@/lib/db/schema";
import { callRoute } from "@/lib/testing/fixtures";
import { applyAs, createScenario, deliveriesOf, insertWebhook } from "./test-scenario";

// Open the database (PGlite starts in seconds) before the first test's clock runs.
beforeAll(async () => {
  await getDb();
});
afterAll(closeDb);

type Scenario = Awaited<ReturnType<typeof createScenario>>;

/** A scenario whose affiliate applied, with one endpoint each listening to conversions. */
async function appliedScenario() {
  const s = await createScenario();
  expect((await applyAs(s.affiliate.apiKey, s.programId)).status).toBe(201);
  const conversionEvents = ["conversion.created", "conversion.approved", "conversion.rejected"] as const;
  const hooks = [
    await insertWebhook(s.advertiser.account.id, conversionEvents),
    await insertWebhook(s.affiliate.account.id, conversionEvents),
  ];
  return { ...s, hooks };
}

function conversionBody(s: Scenario, extra: Record<string, unknown> = {}) {
  return { programId: s.programId, affiliateId: s.affiliate.account.id, amount: 4999, ...extra };
}

function create(apiKey: string, body: unknown, headers?: Record<string, string>) {
  return callRoute(createRoute, { method: "POST", apiKey, body, headers });
}

async function conversionRowsOf(programId: string) {
  const db = await getDb();
  return db.select().from(conversions).where(eq(conversions.programId, programId));
}

describe("POST /api/v1/conversions", () => {
  it("registers a pending conversion with defaults and tells both parties once", async () => {
    const s = await appliedScenario();
    const res = await create(s.advertiser.apiKey, conversionBody(s, { externalId: "order-77" }));
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      programId: s.programId,
      advertiserId: s.advertiser.account.id,
      affiliateId: s.affiliate.account.id,
      amount: 4999,
      currency: "USD",
      type: "sale",
      status: "pending",
      externalId: "order-77",
      rejectionReason: null,
    });
    expect(res.json.id).toMatch(/^conv_/);

    const sent = await deliveriesOf(s.hooks);
    expect(sent.map((d) => d.webhookId).sort()).toEqual([...s.hooks].sort());
    expect(sent[0]!.payload).toMatchObject({
      event: "conversion.created",
      data: { id: res.json.id, type: "sale", amount: 4999, status: "pending", currency: "USD", externalId: "order-77" },
    });
  });

  it("takes a lead in another currency", async () => {
    const s = await appliedScenario();
    const res = await create(s.advertiser.apiKey, conversionBody(s, { type: "lead", currency: "EUR", amount: 0 }));
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ type: "lead", currency: "EUR", amount: 0 });
  });

  it("answers 422 on affiliateId when the affiliate has not applied to the program", async () => {
    const s = await createScenario();
    const hook = await insertWebhook(s.advertiser.account.id, ["conversion.created"]);
    const res = await create(s.advertiser.apiKey, conversionBody(s));
    expect(res.status).toBe(422);
    expect(res.json.error.details.fieldErrors.affiliateId).toBeDefined();
    expect(await deliveriesOf([hook])).toEqual([]);
    expect(await conversionRowsOf(s.programId)).toEqual([]);
  });

  it("answers 404 for another advertiser's program", async () => {
    const s = await appliedScenario();
    const res = await create(s.otherAdvertiser.apiKey, conversionBody(s));
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("not_found");
    expect(await deliveriesOf(s.hooks)).toEqual([]);
  });

  it("refuses an affiliate with 403", async () => {
    const s = await appliedScenario();
    const res = await create(s.affiliate.apiKey, conversionBody(s));
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe("forbidden");
  });

  it.each([
    [{ amount: -1 }, "amount"],
    [{ amount: 12.5 }, "amount"],
    [{ amount: "4999" }, "amount"],
    [{ amount: 1e15 }, "amount"],
    [{ currency: "usd" }, "currency"],
    [{ currency: "EURO" }, "currency"],
    [{ type: "refund" }, "type"],
    [{ externalId: "x".repeat(256) }, "externalId"],
    [{ externalId: "a\u0000b" }, "externalId"],
    [{ programId: "not-a-program" }, "programId"],
    [{ affiliateId: "x".repeat(300) }, "affiliateId"],
  ])("answers %j with 422 naming %s", async (extra, field) => {
    const s = await appliedScenario();
    const res = await create(s.advertiser.apiKey, conversionBody(s, extra));
    expect(res.status).toBe(422);
    expect(res.json.error.details.fieldErrors[field]).toBeDefined();
  });
});

describe("Idempotency-Key on POST /api/v1/conversions", () => {
  it("answers a repeat with the first response and creates and emits nothing new", async () => {
    const s = await appliedScenario();
    const headers = { "Idempotency-Key": `order-${s.programId}` };
    const first = await create(s.advertiser.apiKey, conversionBody(s), headers);
    const again = await create(s.advertiser.apiKey, conversionBody(s), headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(await conversionRowsOf(s.programId)).toHaveLength(1);
    expect(await deliveriesOf(s.hooks)).toHaveLength(2);
  });

  it("treats the same request with keys in another order, or a default spelled out, as a repeat", async () => {
    const s = await appliedScenario();
    const headers = { "Idempotency-Key": "same-order" };
    const first = await create(s.advertiser.apiKey, conversionBody(s), headers);
    const { programId, affiliateId, amount } = conversionBody(s);
    const reordered = await create(s.advertiser.apiKey, { amount, currency: "USD", affiliateId, programId }, headers);
    expect(reordered.json).toEqual(first.json);
    expect(await conversionRowsOf(s.programId)).toHaveLength(1);
  });

  it("refuses the same key with a different body with 422, and emits nothing", async () => {
    const s = await appliedScenario();
    const headers = { "Idempotency-Key": "reused-key" };
    expect((await create(s.advertiser.apiKey, conversionBody(s), headers)).status).toBe(201);
    const other = await create(s.advertiser.apiKey, conversionBody(s, { amount: 1 }), headers);
    expect(other.status).toBe(422);
    expect(other.json.error.message).toMatch(/Idempotency-Key/);
    expect(await conversionRowsOf(s.programId)).toHaveLength(1);
    expect(await deliveriesOf(s.hooks)).toHaveLength(2);
  });

  it("keeps keys per account: another advertiser's identical key is its own request", async () => {
    const a = await appliedScenario();
    const b = await appliedScenario();
    const headers = { "Idempotency-Key": "shared-name" };
    expect((await create(a.advertiser.apiKey, conversionBody(a), headers)).status).toBe(201);
    const res = await create(b.advertiser.apiKey, conversionBody(b), headers);
    expect(res.status).toBe(201);
    expect(res.headers.get("idempotent-replayed")).toBeNull();
    expect(await conversionRowsOf(b.programId)).toHaveLength(1);
  });

  it("lets a failed request be retried with its key: only successes are remembered", async () => {
    const s = await createScenario();
    const headers = { "Idempotency-Key": "retry-after-apply" };
    expect((await create(s.advertiser.apiKey, conversionBody(s), headers)).status).toBe(422);
    expect((await applyAs(s.affiliate.apiKey, s.programId)).status).toBe(201);
    expect((await create(s.advertiser.apiKey, conversionBody(s), headers)).status).toBe(201);
  });

  it("creates and emits once when the same request races itself", async () => {
    const s = await appliedScenario();
    const headers = { "Idempotency-Key": "raced" };
    const results = await Promise.all(
      Array.from({ length: 5 }, () => create(s.advertiser.apiKey, conversionBody(s), headers)),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.json.id)).size).toBe(1);
    expect(await conversionRowsOf(s.programId)).toHaveLength(1);
    expect(await deliveriesOf(s.hooks)).toHaveLength(2);
  });

  it("answers a malformed key with 400", async () => {
    const s = await appliedScenario();
    const res = await create(s.advertiser.apiKey, conversionBody(s), { "Idempotency-Key": "x".repeat(256) });
    expect(res.status).toBe(400);
    expect(await conversionRowsOf(s.programId)).toEqual([]);
  });
});

describe("approving and rejecting", () => {
  async function pendingConversion() {
    const s = await appliedScenario();
    const res = await create(s.advertiser.apiKey, conversionBody(s));
    expect(res.status).toBe(201);
    return { ...s, conversionId: res.json.id as string };
  }

  const approve = (apiKey: string, id: string) => callRoute(approveRoute, { method: "POST", apiKey, params: { id } });
  const reject = (apiKey: string, id: string, body?: unknown) =>
    callRoute(rejectRoute, { method: "POST", apiKey, params: { id }, body });

  it("approves a pending conversion once; approving or rejecting it again is 409", async () => {
    const s = await pendingConversion();
    const res = await approve(s.advertiser.apiKey, s.conversionId);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: s.conversionId, status: "approved" });

    const again = await approve(s.advertiser.apiKey, s.conversionId);
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/already approved/);
    expect((await reject(s.advertiser.apiKey, s.conversionId)).status).toBe(409);

    const approvals = (await deliveriesOf(s.hooks)).filter((d) => d.eventType === "conversion.approved");
    expect(approvals).toHaveLength(2);
    expect(approvals[0]!.payload.data).toMatchObject({ id: s.conversionId, status: "approved" });
  });

  it("rejects with a reason that reaches the response and the event", async () => {
    const s = await pendingConversion();
    const res = await reject(s.advertiser.apiKey, s.conversionId, { reason: "Order was refunded" });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: "rejected", rejectionReason: "Order was refunded" });
    const rejections = (await deliveriesOf(s.hooks)).filter((d) => d.eventType === "conversion.rejected");
    expect(rejections).toHaveLength(2);
    expect(rejections[0]!.payload.data).toMatchObject({ status: "rejected", rejectionReason: "Order was refunded" });
    expect((await approve(s.advertiser.apiKey, s.conversionId)).status).toBe(409);
  });

  it("rejects without a reason", async () => {
    const s = await pendingConversion();
    const res = await reject(s.advertiser.apiKey, s.conversionId);
    expect(res.status).toBe(200);
    expect(res.json.rejectionReason).toBeNull();
  });

  it("answers 404 to another advertiser, 403 to an affiliate, and changes nothing", async () => {
    const s = await pendingConversion();
    expect((await approve(s.otherAdvertiser.apiKey, s.conversionId)).status).toBe(404);
    expect((await reject(s.otherAdvertiser.apiKey, s.conversionId)).status).toBe(404);
    // Affiliates never decide conversions, whatever the id: 403 reveals nothing about it.
    expect((await approve(s.affiliate.apiKey, s.conversionId)).status).toBe(403);
    expect((await reject(s.otherAffiliate.apiKey, s.conversionId)).status).toBe(403);
    const [row] = await conversionRowsOf(s.programId);
    expect(row!.status).toBe("pending");
    expect((await deliveriesOf(s.hooks)).filter((d) => d.eventType !== "conversion.created")).toEqual([]);
  });

  it.each([
    ["an unknown id", "conv_00000000000000000000"],
    ["an absurdly long id", `conv_${"a".repeat(10_000)}`],
    ["odd characters", "conv_%27%22<script>"],
    ["a NUL byte", "conv_a\u0000"],
  ])("answers %s with 404", async (_label, id) => {
    const s = await createScenario();
    expect((await approve(s.advertiser.apiKey, id)).status).toBe(404);
    expect((await reject(s.advertiser.apiKey, id)).status).toBe(404);
  });

  it("answers a reason that is too long with 422", async () => {
    const s = await pendingConversion();
    const res = await reject(s.advertiser.apiKey, s.conversionId, { reason: "x".repeat(501) });
    expect(res.status).toBe(422);
    expect(res.json.error.details.fieldErrors.reason).toBeDefined();
  });

  it("lets only one of two racing decisions win and emit", async () => {
    const s = await pendingConversion();
    const results = await Promise.all([
      approve(s.advertiser.apiKey, s.conversionId),
      reject(s.advertiser.apiKey, s.conversionId),
      approve(s.advertiser.apiKey, s.conversionId),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const decisions = (await deliveriesOf(s.hooks)).filter((d) => d.eventType !== "conversion.created");
    expect(decisions).toHaveLength(2);
    expect(new Set(decisions.map((d) => d.eventId)).size).toBe(1);
  });
});
