import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listRoute, POST as createRoute } from "@/app/api/v1/programs/route";
import { closeDb, getDb } from "@/lib/db";
import { idPattern } from "@/lib/ids";
import { callRoute, createTestAccount } from "@/lib/testing/fixtures";

// Open the database (PGlite starts in seconds) before the first test's clock runs.
beforeAll(async () => {
  await getDb();
});
afterAll(closeDb);

describe("POST /api/v1/programs", () => {
  it("lets an advertiser create a program it owns", async () => {
    const advertiser = await createTestAccount("advertiser");
    const res = await callRoute(createRoute, {
      method: "POST",
      apiKey: advertiser.apiKey,
      body: { name: "  Summer sale  ", commissionRate: 12.5 },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ name: "Summer sale", commissionRate: 12.5, advertiserId: advertiser.account.id });
    expect(res.json.id).toMatch(idPattern("program"));
  });

  it("leaves the commission rate empty when not given", async () => {
    const advertiser = await createTestAccount("advertiser");
    const res = await callRoute(createRoute, { method: "POST", apiKey: advertiser.apiKey, body: { name: "Leads" } });
    expect(res.status).toBe(201);
    expect(res.json.commissionRate).toBeNull();
  });

  it("refuses an affiliate with 403 and says why", async () => {
    const affiliate = await createTestAccount("affiliate");
    const res = await callRoute(createRoute, { method: "POST", apiKey: affiliate.apiKey, body: { name: "Mine" } });
    expect(res.status).toBe(403);
    expect(res.json.error).toMatchObject({ code: "forbidden", message: expect.stringMatching(/advertiser/) });
  });

  it.each([
    [{ name: "" }, "name"],
    [{ name: "x".repeat(201) }, "name"],
    [{ name: "Bad\u0000name" }, "name"],
    [{ name: "Rate", commissionRate: 101 }, "commissionRate"],
    [{ name: "Rate", commissionRate: -1 }, "commissionRate"],
    [{ name: "Rate", commissionRate: "10" }, "commissionRate"],
  ])("answers %j with 422 naming %s", async (body, field) => {
    const advertiser = await createTestAccount("advertiser");
    const res = await callRoute(createRoute, { method: "POST", apiKey: advertiser.apiKey, body });
    expect(res.status).toBe(422);
    expect(res.json.error.details.fieldErrors[field]).toBeDefined();
  });

  it("answers a request without an API key with 401", async () => {
    const res = await callRoute(createRoute, { method: "POST", body: { name: "Anonymous" } });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("unauthorized");
  });
});

describe("GET /api/v1/programs", () => {
  it("shows affiliates every advertiser's programs, newest first", async () => {
    const [a, b, affiliate] = await Promise.all([
      createTestAccount("advertiser"),
      createTestAccount("advertiser"),
      createTestAccount("affiliate"),
    ]);
    const first = await callRoute(createRoute, { method: "POST", apiKey: a.apiKey, body: { name: "First" } });
    const second = await callRoute(createRoute, { method: "POST", apiKey: b.apiKey, body: { name: "Second" } });

    const res = await callRoute(listRoute, { apiKey: affiliate.apiKey });
    expect(res.status).toBe(200);
    const ids: string[] = res.json.data.map((p: { id: string }) => p.id);
    // Other tests add programs concurrently; ours are there, the newer one first.
    expect(ids).toContain(first.json.id);
    expect(ids.indexOf(second.json.id)).toBeLessThan(ids.indexOf(first.json.id));
    expect(res.json.data.length).toBeLessThanOrEqual(100);
  });

  it("honours ?limit= and refuses one out of range with 422", async () => {
    const advertiser = await createTestAccount("advertiser");
    await callRoute(createRoute, { method: "POST", apiKey: advertiser.apiKey, body: { name: "One" } });
    await callRoute(createRoute, { method: "POST", apiKey: advertiser.apiKey, body: { name: "Two" } });
    const limited = await callRoute(listRoute, { apiKey: advertiser.apiKey, path: "/api/v1/programs?limit=1" });
    expect(limited.status).toBe(200);
    expect(limited.json.data).toHaveLength(1);
    for (const limit of ["0", "101", "abc"]) {
      const res = await callRoute(listRoute, { apiKey: advertiser.apiKey, path: `/api/v1/programs?limit=${limit}` });
      expect(res.status).toBe(422);
    }
  });
});
