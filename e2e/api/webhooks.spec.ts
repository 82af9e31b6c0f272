import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { createApiKey, newSession } from "../support/accounts";

// Webhook management over HTTP, as the dashboard (or a curious script) sees it. The server runs
// in production mode with private targets allowed: https://127.0.0.1:9 is a valid endpoint URL
// where nothing listens, so every delivery to it fails fast and ends "failed" after its retries.

const DEAD_URL = "https://127.0.0.1:9/hooks";

interface Owner {
  api: APIRequestContext;
  key: string;
  webhookId: string;
}

async function createWebhook(api: APIRequestContext, data: Record<string, unknown> = {}) {
  const res = await api.post("/api/webhooks", { data: { url: DEAD_URL, events: ["conversion.created"], ...data } });
  expect(res.status(), await res.text()).toBe(201);
  return res.json();
}

async function newOwner(baseURL: string): Promise<Owner> {
  const { api } = await newSession(baseURL);
  const key = await createApiKey(api);
  const hook = await createWebhook(api, { description: "spec" });
  return { api, key, webhookId: hook.id };
}

/** Sends a test event to the endpoint and waits until its delivery has given up. */
async function failedDelivery(api: APIRequestContext, webhookId: string): Promise<string> {
  const sent = await api.post(`/api/webhooks/${webhookId}/test`);
  expect(sent.status(), await sent.text()).toBe(202);
  const deliveryId: string = (await sent.json()).deliveries[0].id;
  await expect
    .poll(async () => statusOf(api, webhookId, deliveryId), { timeout: 30_000, intervals: [250, 500, 1000] })
    .toBe("failed");
  return deliveryId;
}

async function deliveriesOf(api: APIRequestContext, webhookId: string, query = "") {
  const res = await api.get(`/api/webhooks/${webhookId}/deliveries${query}`);
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

async function statusOf(api: APIRequestContext, webhookId: string, deliveryId: string) {
  const { data } = await deliveriesOf(api, webhookId, "?limit=100");
  return data.find((d: { id: string }) => d.id === deliveryId)?.status;
}

let anon: APIRequestContext;
test.beforeAll(async ({ baseURL }) => {
  anon = await playwrightRequest.newContext({ baseURL });
});
test.afterAll(async () => {
  await anon.dispose();
});

test.describe("authentication", () => {
  test("every webhook route wants a session: no cookie → 401, an API key → 401 naming the session", async ({ baseURL }) => {
    const owner = await newOwner(baseURL!);
    const calls: [string, string][] = [
      ["GET", "/api/webhooks"],
      ["POST", "/api/webhooks"],
      ["GET", "/api/webhooks/stats"],
      ["POST", "/api/webhooks/retry-failed"],
      ["GET", `/api/webhooks/${owner.webhookId}`],
      ["PATCH", `/api/webhooks/${owner.webhookId}`],
      ["DELETE", `/api/webhooks/${owner.webhookId}`],
      ["PUT", `/api/webhooks/${owner.webhookId}/rotate-secret`],
      ["GET", `/api/webhooks/${owner.webhookId}/deliveries`],
      ["GET", `/api/webhooks/${owner.webhookId}/stats`],
      ["POST", "/api/webhooks/dlv_00000000000000000000/replay"],
    ];
    for (const [method, url] of calls) {
      const none = await anon.fetch(url, { method, data: method === "GET" || method === "DELETE" ? undefined : {} });
      expect(none.status(), `${method} ${url} without a session`).toBe(401);
      expect((await none.json()).error.code).toBe("unauthorized");

      const withKey = await anon.fetch(url, {
        method,
        headers: { authorization: `Bearer ${owner.key}` },
        data: method === "GET" || method === "DELETE" ? undefined : {},
      });
      expect(withKey.status(), `${method} ${url} with an API key`).toBe(401);
      expect((await withKey.json()).error.message).toMatch(/session/i);
    }
    // Nothing was deleted by the refused calls.
    expect((await owner.api.get(`/api/webhooks/${owner.webhookId}`)).status()).toBe(200);
  });

  test("mutations from another site are refused with 403 and change nothing", async ({ baseURL }) => {
    const owner = await newOwner(baseURL!);
    const evil = { origin: "https://evil.example" };
    const mutations: [string, string, unknown][] = [
      ["POST", "/api/webhooks", { url: DEAD_URL, events: ["conversion.created"] }],
      ["PATCH", `/api/webhooks/${owner.webhookId}`, { description: "pwned" }],
      ["PUT", `/api/webhooks/${owner.webhookId}/rotate-secret`, {}],
      ["DELETE", `/api/webhooks/${owner.webhookId}`, undefined],
      ["POST", "/api/webhooks/retry-failed", {}],
      ["POST", "/api/webhooks/dlv_00000000000000000000/replay", undefined],
    ];
    for (const [method, url, data] of mutations) {
      const res = await owner.api.fetch(url, { method, headers: evil, data });
      expect(res.status(), `${method} ${url}`).toBe(403);
      expect((await res.json()).error.code).toBe("forbidden");
    }
    const list = await (await owner.api.get("/api/webhooks")).json();
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).toMatchObject({ id: owner.webhookId, description: "spec", secretRotatedAt: null });
  });
});

test.describe("managing endpoints", () => {
  test("create shows the secret once; list and get never do; patch and delete work", async ({ baseURL }) => {
    const { api } = await newSession(baseURL!);
    const created = await createWebhook(api, {
      url: "https://hooks.example.com/in",
      events: ["conversion.created", "conversion.approved", "conversion.created"],
      description: "Orders",
    });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toMatchObject({
      url: "https://hooks.example.com/in",
      events: ["conversion.created", "conversion.approved"],
      description: "Orders",
      enabled: true,
      disabledReason: null,
    });

    const listRes = await api.get("/api/webhooks");
    const listText = await listRes.text();
    expect(listText).not.toContain(created.secret);
    expect(listText).not.toMatch(/whsec_|"secret"/);
    expect(JSON.parse(listText).data.map((w: { id: string }) => w.id)).toEqual([created.id]);

    const got = await (await api.get(`/api/webhooks/${created.id}`)).json();
    expect(JSON.stringify(got)).not.toMatch(/whsec_|"secret"/);
    expect(got).toMatchObject({ id: created.id, heldDeliveries: 0, previousSecretExpiresAt: null });

    const patched = await api.patch(`/api/webhooks/${created.id}`, { data: { description: "Orders v2", enabled: false } });
    expect(patched.status()).toBe(200);
    expect(await patched.json()).toMatchObject({
      description: "Orders v2",
      enabled: false,
      url: "https://hooks.example.com/in",
      events: ["conversion.created", "conversion.approved"],
    });
    const reenabled = await (await api.patch(`/api/webhooks/${created.id}`, { data: { enabled: true } })).json();
    expect(reenabled).toMatchObject({ enabled: true, disabledReason: null, description: "Orders v2" });

    const deleted = await api.delete(`/api/webhooks/${created.id}`);
    expect(deleted.status()).toBe(204);
    expect(await deleted.text()).toBe("");
    expect((await api.get(`/api/webhooks/${created.id}`)).status()).toBe(404);
    expect((await api.delete(`/api/webhooks/${created.id}`)).status()).toBe(404);
  });

  test("invalid input gets the 422 envelope with a message per field", async ({ baseURL }) => {
    const { api } = await newSession(baseURL!);
    const bad = await api.post("/api/webhooks", { data: { url: "ftp://example.com", events: [], enabled: "yes" } });
    expect(bad.status()).toBe(422);
    const body = await bad.json();
    expect(body.error.code).toBe("unprocessable");
    expect(Object.keys(body.error.details.fieldErrors).sort()).toEqual(["enabled", "events", "url"]);

    const unknownEvent = await (await api.post("/api/webhooks", { data: { url: DEAD_URL, events: ["order.paid"] } })).json();
    expect(unknownEvent.error.details.fieldErrors["events.0"]).toBeDefined();

    // The server runs in production mode: plain http is refused there.
    const http = await api.post("/api/webhooks", { data: { url: "http://hooks.example.com/in", events: ["conversion.created"] } });
    expect(http.status()).toBe(422);
    expect((await http.json()).error.details.fieldErrors.url[0]).toMatch(/https/);

    const hook = await createWebhook(api);
    const empty = await api.patch(`/api/webhooks/${hook.id}`, { data: {} });
    expect(empty.status()).toBe(422);
    expect((await empty.json()).error.details.formErrors[0]).toMatch(/at least one/i);

    // A Buffer, because Playwright JSON-encodes a string body that is not valid JSON.
    const notJson = await api.post("/api/webhooks", { data: Buffer.from("{nope"), headers: { "content-type": "application/json" } });
    expect(notJson.status()).toBe(400);
    expect((await notJson.json()).error.code).toBe("bad_request");

    const grace = await api.put(`/api/webhooks/${hook.id}/rotate-secret`, { data: { gracePeriodSeconds: 604_801 } });
    expect(grace.status()).toBe(422);
    expect((await grace.json()).error.details.fieldErrors.gracePeriodSeconds).toBeDefined();
  });

  test("rotating the secret returns the new one and when the old one stops", async ({ baseURL }) => {
    const { api } = await newSession(baseURL!);
    const hook = await createWebhook(api);
    const before = Date.now();
    const res = await api.put(`/api/webhooks/${hook.id}/rotate-secret`, { data: { gracePeriodSeconds: 3600 } });
    expect(res.status()).toBe(200);
    const rotated = await res.json();
    expect(Object.keys(rotated).sort()).toEqual(["endedPreviousSecrets", "previousSecretExpiresAt", "secret"]);
    expect(rotated.endedPreviousSecrets).toBe(0);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(hook.secret);
    const expiresAt = Date.parse(rotated.previousSecretExpiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3_600_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1000);

    const got = await (await api.get(`/api/webhooks/${hook.id}`)).json();
    expect(got.previousSecretExpiresAt).toBe(rotated.previousSecretExpiresAt);
    expect(got.secretRotatedAt).not.toBeNull();

    // No body at all: the default grace period of a day, for the secret it replaces; the
    // original, still in the first grace period, ends now (at most two valid secrets).
    const again = await (await api.put(`/api/webhooks/${hook.id}/rotate-secret`)).json();
    expect(Date.parse(again.previousSecretExpiresAt)).toBeGreaterThan(Date.now() + 86_400_000 - 60_000);
    expect(again.endedPreviousSecrets).toBe(1);
  });
});

test.describe("another account's ids and ids of any shape", () => {
  test("answer 404, never 403 or 500", async ({ baseURL }) => {
    const victim = await newOwner(baseURL!);
    const victimDelivery = await (await victim.api.post(`/api/webhooks/${victim.webhookId}/test`)).json();
    const { api } = await newSession(baseURL!);
    const ids = [victim.webhookId, "wh_00000000000000000000", "nope", "%27%20or%201%3D1--", "x".repeat(600), "%F0%9F%98%80"];
    for (const id of ids) {
      for (const [method, url, data] of [
        ["GET", `/api/webhooks/${id}`, undefined],
        ["PATCH", `/api/webhooks/${id}`, { description: "mine" }],
        ["DELETE", `/api/webhooks/${id}`, undefined],
        ["PUT", `/api/webhooks/${id}/rotate-secret`, {}],
        ["GET", `/api/webhooks/${id}/deliveries`, undefined],
        ["GET", `/api/webhooks/${id}/stats`, undefined],
        ["POST", `/api/webhooks/${id}/replay`, undefined],
      ] as const) {
        const res = await api.fetch(url, { method, data });
        expect(res.status(), `${method} ${url}`).toBe(404);
        expect((await res.json()).error.code).toBe("not_found");
      }
    }
    const replay = await api.post(`/api/webhooks/${victimDelivery.deliveries[0].id}/replay`);
    expect(replay.status()).toBe(404);
    const retry = await api.post("/api/webhooks/retry-failed", { data: { webhookId: victim.webhookId } });
    expect(retry.status()).toBe(404);
    // The victim's endpoint is untouched.
    expect(await (await victim.api.get(`/api/webhooks/${victim.webhookId}`)).json()).toMatchObject({ description: "spec" });
  });
});

test.describe("delivery log, replay and retry-failed", () => {
  test("a failed delivery shows its attempts, and a replay sends the same delivery again", async ({ baseURL }) => {
    const owner = await newOwner(baseURL!);
    const deliveryId = await failedDelivery(owner.api, owner.webhookId);

    const { data, nextCursor } = await deliveriesOf(owner.api, owner.webhookId);
    expect(nextCursor).toBeNull();
    expect(data).toHaveLength(1);
    const failed = data[0];
    expect(failed).toMatchObject({
      id: deliveryId,
      webhookId: owner.webhookId,
      event: "conversion.created",
      status: "failed",
      attemptCount: 4,
      test: true,
      payload: { event: "conversion.created" },
    });
    expect(failed.attempts.map((a: { number: number }) => a.number)).toEqual([1, 2, 3, 4]);
    expect(failed.attempts[0].error).toBeTruthy();
    expect(failed.attempts[0].requestHeaders["webhook-id"]).toBe(deliveryId);

    const replay = await owner.api.post(`/api/webhooks/${deliveryId}/replay`);
    expect(replay.status(), await replay.text()).toBe(202);
    const { delivery } = await replay.json();
    expect(delivery).toMatchObject({ id: deliveryId, status: "pending", attemptCount: 4 });

    await expect
      .poll(async () => statusOf(owner.api, owner.webhookId, deliveryId), { timeout: 30_000, intervals: [250, 500, 1000] })
      .toBe("failed");
    const after = (await deliveriesOf(owner.api, owner.webhookId)).data[0];
    expect(after.id).toBe(deliveryId);
    expect(after.attemptCount).toBe(8);
    expect(after.attempts.map((a: { number: number }) => a.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(after.attempts.map((a: { requestHeaders: Record<string, string> }) => a.requestHeaders["webhook-id"]))).toEqual(
      new Set([deliveryId]),
    );
  });

  test("a replay for a disabled endpoint is held; replaying it again meanwhile is a 409; enabling sends it", async ({ baseURL }) => {
    const owner = await newOwner(baseURL!);
    const deliveryId = await failedDelivery(owner.api, owner.webhookId);
    expect((await owner.api.patch(`/api/webhooks/${owner.webhookId}`, { data: { enabled: false } })).status()).toBe(200);

    expect((await owner.api.post(`/api/webhooks/${deliveryId}/replay`)).status()).toBe(202);
    const again = await owner.api.post(`/api/webhooks/${deliveryId}/replay`);
    expect(again.status()).toBe(409);
    expect((await again.json()).error.code).toBe("conflict");
    const disabled = await (await owner.api.get(`/api/webhooks/${owner.webhookId}`)).json();
    expect(disabled).toMatchObject({ enabled: false, heldDeliveries: 1 });
    expect(disabled.disabledReason).toMatch(/dashboard/i);
    expect(await statusOf(owner.api, owner.webhookId, deliveryId)).toBe("pending");

    const enabled = await owner.api.patch(`/api/webhooks/${owner.webhookId}`, { data: { enabled: true } });
    expect(await enabled.json()).toMatchObject({ enabled: true, disabledReason: null, heldDeliveries: 0 });
    await expect
      .poll(async () => (await deliveriesOf(owner.api, owner.webhookId)).data[0].attemptCount, { timeout: 30_000 })
      .toBe(8);
  });

  test("re-enabling with discardHeld marks the held deliveries failed instead of sending them", async ({ baseURL }) => {
    const owner = await newOwner(baseURL!);
    const deliveryId = await failedDelivery(owner.api, owner.webhookId);
    await owner.api.patch(`/api/webhooks/${owner.webhookId}`, { data: { enabled: false } });
    expect((await owner.api.post(`/api/webhooks/${deliveryId}/replay`)).status()).toBe(202);

    const res = await owner.api.patch(`/api/webhooks/${owner.webhookId}`, { data: { enabled: true, discardHeld: true } });
    expect(res.status()).toBe(200);
    const [discarded] = (await deliveriesOf(owner.api, owner.webhookId)).data;
    expect(discarded).toMatchObject({ id: deliveryId, status: "failed", attemptCount: 4 });
    expect(discarded.lastError).toMatch(/disabled/);

    const misuse = await owner.api.patch(`/api/webhooks/${owner.webhookId}`, { data: { discardHeld: true } });
    expect(misuse.status()).toBe(422);
    expect((await misuse.json()).error.details.fieldErrors.discardHeld).toBeDefined();
  });

  test("retry-failed requeues the failed deliveries of one endpoint, in a window", async ({ baseURL }) => {
    const owner = await newOwner(baseURL!);
    const deliveryId = await failedDelivery(owner.api, owner.webhookId);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await owner.api.post("/api/webhooks/retry-failed", { data: { webhookId: owner.webhookId, since: future } });
    expect(none.status()).toBe(202);
    expect(await none.json()).toEqual({ count: 0 });

    const res = await owner.api.post("/api/webhooks/retry-failed", { data: { webhookId: owner.webhookId } });
    expect(res.status()).toBe(202);
    expect(await res.json()).toEqual({ count: 1 });
    await expect
      .poll(async () => (await deliveriesOf(owner.api, owner.webhookId)).data[0].attemptCount, { timeout: 30_000 })
      .toBeGreaterThan(4);
    expect((await deliveriesOf(owner.api, owner.webhookId)).data[0].id).toBe(deliveryId);

    const bad = await owner.api.post("/api/webhooks/retry-failed", { data: { since: "yesterday" } });
    expect(bad.status()).toBe(422);
    expect((await bad.json()).error.details.fieldErrors.since).toBeDefined();
  });

  test("bad query parameters and cursors are client errors", async ({ baseURL }) => {
    const owner = await newOwner(baseURL!);
    for (const query of ["?limit=0", "?limit=101", "?limit=abc", "?status=done", "?event=order.paid", "?cursor=%%%", "?cursor=bm90LWEtY3Vyc29y"]) {
      const res = await owner.api.get(`/api/webhooks/${owner.webhookId}/deliveries${query}`);
      expect(res.status(), query).toBe(422);
      expect((await res.json()).error.code).toBe("unprocessable");
    }
    for (const query of ["?hours=1", "?hours=721", "?hours=x"]) {
      expect((await owner.api.get(`/api/webhooks/${owner.webhookId}/stats${query}`)).status(), query).toBe(422);
    }
    const ok = await owner.api.get(`/api/webhooks/${owner.webhookId}/deliveries?status=&event=&limit=&cursor=`);
    expect(ok.status()).toBe(200);
    expect(await ok.json()).toEqual({ data: [], nextCursor: null });
  });

  test("deliveries page with an opaque cursor, newest first", async ({ baseURL }) => {
    const owner = await newOwner(baseURL!);
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await owner.api.post(`/api/webhooks/${owner.webhookId}/test`);
      expect(res.status()).toBe(202);
      sent.push((await res.json()).deliveries[0].id);
    }
    const first = await deliveriesOf(owner.api, owner.webhookId, "?limit=2");
    expect(first.data).toHaveLength(2);
    expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await deliveriesOf(owner.api, owner.webhookId, `?limit=2&cursor=${first.nextCursor}`);
    expect(second.nextCursor).toBeNull();
    const seen = [...first.data, ...second.data].map((d: { id: string }) => d.id);
    expect(seen).toHaveLength(3);
    expect(new Set(seen)).toEqual(new Set(sent));
    const created = [...first.data, ...second.data].map((d: { createdAt: string }) => Date.parse(d.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });
});

test.describe("dashboard numbers", () => {
  test("summary and timeline have the shapes the charts read", async ({ baseURL }) => {
    const owner = await newOwner(baseURL!);
    await failedDelivery(owner.api, owner.webhookId);

    const summary = await owner.api.get("/api/webhooks/stats");
    expect(summary.status()).toBe(200);
    expect((await summary.json()).data).toEqual([
      {
        webhookId: owner.webhookId,
        total: 1,
        succeeded: 0,
        failed: 1,
        pending: 0,
        successRate: 0,
        lastDeliveryAt: expect.any(String),
        lastStatus: "failed",
      },
    ]);

    const timeline = await owner.api.get(`/api/webhooks/${owner.webhookId}/stats?hours=48`);
    expect(timeline.status()).toBe(200);
    const body = await timeline.json();
    expect(body).toMatchObject({ webhookId: owner.webhookId, hours: 48, bucketSeconds: 3600 });
    expect(body.buckets.length).toBe(49);
    const last = body.buckets.at(-1);
    const total = body.buckets.reduce((n: number, b: { failed: number }) => n + b.failed, 0);
    expect(total).toBe(1);
    expect(Object.keys(last).sort()).toEqual(["bucketStart", "failed", "p50DurationMs", "p95DurationMs", "pending", "succeeded"]);
  });
});
