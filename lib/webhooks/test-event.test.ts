import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as testRoute } from "@/app/api/v1/webhooks/test/route";
import { createApiKey } from "@/lib/api-keys/api-keys";
import { deliveriesOf, insertWebhook } from "@/lib/conversions/test-scenario";
import { closeDb, getDb } from "@/lib/db";
import { idPattern } from "@/lib/ids";
import { callRoute, createTestAccount } from "@/lib/testing/fixtures";
import { EVENT_CATALOGUE } from "./events";

beforeAll(async () => {
  await getDb();
});
afterAll(closeDb);

const sendTest = (apiKey: string | undefined, body?: unknown) => callRoute(testRoute, { method: "POST", apiKey, body });

describe("POST /api/v1/webhooks/test", () => {
  it("sends a marked test conversion.created to the caller's enabled, subscribed endpoints only", async () => {
    const [me, other] = await Promise.all([createTestAccount("advertiser"), createTestAccount("affiliate")]);
    const subscribed = await insertWebhook(me.account.id, ["conversion.created"]);
    const everything = await insertWebhook(me.account.id, ["conversion.created", "partnership.created"]);
    const unsubscribed = await insertWebhook(me.account.id, ["partnership.created"]);
    const disabled = await insertWebhook(me.account.id, ["conversion.created"], false);
    const othersHook = await insertWebhook(other.account.id, ["conversion.created"]);

    const res = await sendTest(me.apiKey);
    expect(res.status).toBe(202);
    const targeted = res.json.deliveries.map((d: { webhookId: string }) => d.webhookId).sort();
    expect(targeted).toEqual([subscribed, everything].sort());

    const sent = await deliveriesOf([subscribed, everything, unsubscribed, disabled, othersHook]);
    expect(sent.map((d) => d.id).sort()).toEqual(res.json.deliveries.map((d: { id: string }) => d.id).sort());
    expect(sent.every((d) => d.test && d.eventTest)).toBe(true);
    // What the caller is shown is byte for byte what receivers get.
    expect(sent[0]!.payload).toEqual(res.json.payload);
  });

  it("builds a realistic payload: the sample's fields, fresh ids, now, the caller in its role", async () => {
    const advertiser = await createTestAccount("advertiser");
    const affiliate = await createTestAccount("affiliate");
    const before = Date.now();
    const a = (await sendTest(advertiser.apiKey)).json.payload;
    const b = (await sendTest(affiliate.apiKey)).json.payload;

    const sample = EVENT_CATALOGUE["conversion.created"].sample;
    expect(a.event).toBe("conversion.created");
    expect(Object.keys(a.data).sort()).toEqual(Object.keys(sample).sort());
    expect(a.data).toMatchObject({ type: "sale", amount: sample.amount, status: "pending", advertiserId: advertiser.account.id });
    expect(b.data.affiliateId).toBe(affiliate.account.id);
    expect(a.data.id).toMatch(idPattern("conversion"));
    expect(a.data.id).not.toBe(sample.id);
    expect(a.data.id).not.toBe(b.data.id);
    expect(Date.parse(a.timestamp)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(a.data.createdAt)).toBeGreaterThanOrEqual(before - 1000);
  });

  it("sends to the named endpoint only, even one not subscribed to conversion.created", async () => {
    const me = await createTestAccount("affiliate");
    const named = await insertWebhook(me.account.id, ["partnership.created"]);
    const bystander = await insertWebhook(me.account.id, ["conversion.created"]);

    const res = await sendTest(me.apiKey, { webhookId: named });
    expect(res.status).toBe(202);
    expect(res.json.deliveries).toEqual([{ id: expect.stringMatching(/^dlv_/), webhookId: named }]);
    expect(await deliveriesOf([bystander])).toEqual([]);
  });

  it("answers 409 for a disabled endpoint and sends nothing", async () => {
    const me = await createTestAccount("advertiser");
    const disabled = await insertWebhook(me.account.id, ["conversion.created"], false);
    const res = await sendTest(me.apiKey, { webhookId: disabled });
    expect(res.status).toBe(409);
    expect(res.json.error.message).toMatch(/disabled/);
    expect(await deliveriesOf([disabled])).toEqual([]);
  });

  it.each([
    ["another account's endpoint", "other"],
    ["an unknown endpoint", "wh_00000000000000000000"],
    ["a malformed id", "wh_<script>'--"],
  ])("answers 404 for %s", async (_label, webhookId) => {
    const [me, other] = await Promise.all([createTestAccount("advertiser"), createTestAccount("advertiser")]);
    const othersHook = await insertWebhook(other.account.id, ["conversion.created"]);
    const res = await sendTest(me.apiKey, { webhookId: webhookId === "other" ? othersHook : webhookId });
    expect(res.status).toBe(404);
    expect(await deliveriesOf([othersHook])).toEqual([]);
  });

  it("answers 202 with no deliveries when nothing listens", async () => {
    const me = await createTestAccount("advertiser");
    const res = await sendTest(me.apiKey, {});
    expect(res.status).toBe(202);
    expect(res.json.deliveries).toEqual([]);
    expect(res.json.payload.event).toBe("conversion.created");
  });

  it("answers 429 rate_limited with Retry-After past 20 test sends a minute per account, and sends nothing more", async () => {
    const me = await createTestAccount("advertiser");
    const hook = await insertWebhook(me.account.id, ["conversion.created"]);
    // A second API key of the same account shares the limit: it is the account's.
    const other = await createApiKey(me.account.id, { name: "second key" });
    for (let i = 0; i < 20; i++) expect((await sendTest(i % 2 ? me.apiKey : other.key, {})).status).toBe(202);
    const res = await sendTest(other.key, { webhookId: hook });
    expect(res.status).toBe(429);
    expect(res.json.error).toMatchObject({ code: "rate_limited", details: { retryAfterSeconds: expect.any(Number) } });
    expect(res.json.error.message).toMatch(/test events/);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBe(res.json.error.details.retryAfterSeconds);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await deliveriesOf([hook])).toHaveLength(20);
    // Another account is not affected.
    const stranger = await createTestAccount("advertiser");
    expect((await sendTest(stranger.apiKey, {})).status).toBe(202);
  });

  it("answers a request without an API key with 401", async () => {
    const res = await sendTest(undefined);
    expect(res.status).toBe(401);
  });
});
