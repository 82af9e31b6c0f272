import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/lib/db";
import { applyAs, createScenario, deliveriesOf, insertWebhook } from "@/lib/conversions/test-scenario";
import { callRoute, createTestAccount } from "@/lib/testing/fixtures";
import { POST as applyRoute } from "@/app/api/v1/programs/[id]/partnerships/route";

// Open the database (PGlite starts in seconds) before the first test's clock runs.
beforeAll(async () => {
  await getDb();
});
afterAll(closeDb);

describe("POST /api/v1/programs/:id/partnerships", () => {
  it("lets an affiliate apply: a pending partnership and partnership.created to both parties", async () => {
    const s = await createScenario();
    const advertiserHook = await insertWebhook(s.advertiser.account.id, ["partnership.created"]);
    const affiliateHook = await insertWebhook(s.affiliate.account.id, ["partnership.created"]);

    const res = await applyAs(s.affiliate.apiKey, s.programId);
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      programId: s.programId,
      advertiserId: s.advertiser.account.id,
      affiliateId: s.affiliate.account.id,
      status: "pending",
    });
    expect(res.json.id).toMatch(/^ptn_/);

    const sent = await deliveriesOf([advertiserHook, affiliateHook]);
    expect(sent).toHaveLength(2);
    expect(sent[0]!.payload).toMatchObject({
      event: "partnership.created",
      data: { id: res.json.id, type: "partnership", amount: null, status: "pending" },
    });
  });

  it("answers a second application with 409 and emits nothing more", async () => {
    const s = await createScenario();
    const hook = await insertWebhook(s.advertiser.account.id, ["partnership.created"]);
    expect((await applyAs(s.affiliate.apiKey, s.programId)).status).toBe(201);

    const again = await applyAs(s.affiliate.apiKey, s.programId);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("conflict");
    expect(await deliveriesOf([hook])).toHaveLength(1);
  });

  it("lets only one of two racing applications through, with one event", async () => {
    const s = await createScenario();
    const hook = await insertWebhook(s.advertiser.account.id, ["partnership.created"]);
    const results = await Promise.all([applyAs(s.affiliate.apiKey, s.programId), applyAs(s.affiliate.apiKey, s.programId)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await deliveriesOf([hook])).toHaveLength(1);
  });

  it("refuses an advertiser with 403", async () => {
    const s = await createScenario();
    const res = await applyAs(s.otherAdvertiser.apiKey, s.programId);
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe("forbidden");
  });

  it.each([
    ["an unknown program", "prg_00000000000000000000"],
    ["an absurdly long id", `prg_${"a".repeat(5000)}`],
    ["odd characters", "prg_a'; drop table programs;--"],
    ["a NUL byte", "prg_abc\u0000def"],
  ])("answers %s with 404", async (_label, id) => {
    const affiliate = await createTestAccount("affiliate");
    const res = await callRoute(applyRoute, { method: "POST", apiKey: affiliate.apiKey, params: { id } });
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("not_found");
  });
});
