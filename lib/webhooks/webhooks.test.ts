import { and, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, errorResponse } from "@/lib/api/errors";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb } from "@/lib/db";
import { deliveries, webhookSecrets, webhooks } from "@/lib/db/schema";
import { idPattern } from "@/lib/ids";
import { createTestAccount } from "@/lib/testing/fixtures";
import { startReceiver } from "@/lib/testing/receiver";
import { useFastDeliverySettings } from "@/lib/testing/webhook-fixtures";
import { processDelivery } from "./delivery";
import { deliveryBus } from "./engine";
import { enqueueEvent } from "./outbox";
import { EVENT_CATALOGUE } from "./events";
import { createWebhookInput, MAX_WEBHOOKS_PER_ACCOUNT, rotateSecretInput, updateWebhookInput } from "./schemas";
import { decryptSecret } from "./secrets";
import {
  createWebhook,
  deleteWebhook,
  DISCARDED_HELD_ERROR,
  getWebhook,
  listWebhooks,
  rotateWebhookSecret,
  updateWebhook,
} from "./webhooks";

// Open the database up front: PGlite's start belongs to the hook's budget, not the first test's.
beforeAll(async () => {
  await getDb();
});
afterAll(closeDb);

const WEBHOOK_KEYS = [
  "createdAt",
  "description",
  "disabledReason",
  "disabledReasonCause",
  "disablesAt",
  "enabled",
  "events",
  "failingSince",
  "fifo",
  "headers",
  "id",
  "lastError",
  "lastErrorCause",
  "previousSecretExpiresAt",
  "programIds",
  "rateLimitPerSecond",
  "secretRotatedAt",
  "updatedAt",
  "url",
];

function create(accountId: string, input: Record<string, unknown> = {}) {
  return createWebhook(
    accountId,
    createWebhookInput.parse({ url: "https://receiver.example.test/hooks", events: ["conversion.created"], ...input }),
  );
}

function update(accountId: string, id: string, input: Record<string, unknown>) {
  return updateWebhook(accountId, id, updateWebhookInput.parse(input));
}

/** The secrets that sign deliveries right now, newest first, as the engine reads them. */
async function validSecrets(webhookId: string): Promise<string[]> {
  const db = await getDb();
  const rows = await db
    .select()
    .from(webhookSecrets)
    .where(
      and(
        eq(webhookSecrets.webhookId, webhookId),
        or(isNull(webhookSecrets.expiresAt), gt(webhookSecrets.expiresAt, sql`now()`)),
      ),
    )
    .orderBy(desc(webhookSecrets.createdAt));
  return rows.map((r) => decryptSecret(r.ciphertext));
}

async function enqueue(accountId: string) {
  const db = await getDb();
  return db.transaction((tx) =>
    enqueueEvent(tx, {
      type: "conversion.created",
      data: EVENT_CATALOGUE["conversion.created"].sample,
      recipientAccountIds: [accountId],
    }),
  );
}

/** Collects the delivery ids handed to the engine while `fn` runs. */
async function wokenDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const woken: string[] = [];
  const listener = (ids: string[]) => woken.push(...ids);
  deliveryBus.on("wake", listener);
  try {
    await fn();
  } finally {
    deliveryBus.off("wake", listener);
  }
  return woken;
}

describe("creating and reading webhooks", () => {
  it("returns the signing secret once, stores it encrypted, and never shows it in list or get", async () => {
    const { account } = await createTestAccount("advertiser");
    const created = await create(account.id, { description: "Orders", events: ["conversion.created", "conversion.approved"] });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toMatchObject({ url: "https://receiver.example.test/hooks", description: "Orders", enabled: true });
    expect(created.id).toMatch(idPattern("webhook"));

    const db = await getDb();
    const [stored] = await db.select().from(webhookSecrets).where(eq(webhookSecrets.webhookId, created.id));
    expect(stored!.ciphertext).not.toContain(created.secret);
    expect(decryptSecret(stored!.ciphertext)).toBe(created.secret);

    const listed = await listWebhooks(account.id);
    const got = await getWebhook(account.id, created.id);
    expect(listed.map((w) => w.id)).toEqual([created.id]);
    expect(Object.keys(listed[0]!).sort()).toEqual(WEBHOOK_KEYS);
    expect(Object.keys(got).sort()).toEqual([...WEBHOOK_KEYS, "heldDeliveries"].sort());
    for (const body of [JSON.stringify(listed), JSON.stringify(got)]) {
      expect(body).not.toContain(created.secret);
      expect(body).not.toMatch(/whsec_|ciphertext|"secret"/);
    }
  });

  it("deduplicates events and defaults to enabled with an empty description", async () => {
    const { account } = await createTestAccount("affiliate");
    const created = await create(account.id, { events: ["partnership.created", "partnership.created"] });
    expect(created).toMatchObject({ events: ["partnership.created"], enabled: true, description: "", disabledReason: null });
  });

  it("refuses an endpoint beyond the per-account limit with 409", async () => {
    const { account } = await createTestAccount("advertiser");
    const db = await getDb();
    await db.insert(webhooks).values(
      Array.from({ length: MAX_WEBHOOKS_PER_ACCOUNT - 1 }, (_, i) => ({
        id: `wh_limit${i}_${account.id.slice(5)}`,
        accountId: account.id,
        url: "https://receiver.example.test/hooks",
        events: ["conversion.created"],
      })),
    );
    await create(account.id);
    await expect(create(account.id)).rejects.toMatchObject({ code: "conflict" });
    expect(await listWebhooks(account.id)).toHaveLength(MAX_WEBHOOKS_PER_ACCOUNT);
  });
});

describe("endpoint URL rules", () => {
  it("refuses loopback, private and metadata literals unless the operator allows private targets", async () => {
    const { account } = await createTestAccount("advertiser");
    process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "false";
    resetConfigForTests();
    try {
      for (const url of ["http://127.0.0.1:8080/in", "https://10.1.2.3/in", "http://169.254.169.254/latest", "https://localhost/in"]) {
        await expect(create(account.id, { url })).rejects.toMatchObject({
          code: "unprocessable",
          details: { fieldErrors: { url: [expect.stringMatching(/^The URL must/)] } },
        });
      }
      const hook = await create(account.id, { url: "https://hooks.example.com/in" });
      await expect(update(account.id, hook.id, { url: "http://192.168.1.10/in" })).rejects.toMatchObject({
        code: "unprocessable",
      });
    } finally {
      delete process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS;
      resetConfigForTests();
    }
    expect((await create(account.id, { url: "http://127.0.0.1:8080/in" })).url).toBe("http://127.0.0.1:8080/in");
  });

  it("the schema accepts only absolute http(s) URLs without credentials", () => {
    for (const url of ["/relative", "ftp://example.com/x", "example.com/x", "https://user:pw@example.com/x", "javascript:alert(1)"]) {
      expect(createWebhookInput.safeParse({ url, events: ["conversion.created"] }).success, url).toBe(false);
    }
    expect(createWebhookInput.safeParse({ url: " https://example.com/x ", events: ["conversion.created"] })).toMatchObject({
      success: true,
      data: { url: "https://example.com/x" },
    });
    expect(createWebhookInput.safeParse({ url: "https://example.com/x", events: ["order.created"] }).success).toBe(false);
  });
});

describe("tenant isolation", () => {
  it("treats another account's webhook as not found for every operation", async () => {
    const owner = await createTestAccount("advertiser");
    const other = await createTestAccount("advertiser");
    const hook = await create(owner.account.id);

    expect(await listWebhooks(other.account.id)).toEqual([]);
    await expect(getWebhook(other.account.id, hook.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(update(other.account.id, hook.id, { description: "mine now" })).rejects.toMatchObject({ code: "not_found" });
    await expect(rotateWebhookSecret(other.account.id, hook.id, { gracePeriodSeconds: 0 })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(deleteWebhook(other.account.id, hook.id)).rejects.toMatchObject({ code: "not_found" });

    const untouched = await getWebhook(owner.account.id, hook.id);
    expect(untouched.description).toBe("");
    expect(await validSecrets(hook.id)).toEqual([hook.secret]);
  });

  it.each(["", "wh_", "nope", "wh_' or 1=1 --", "x".repeat(5000), "dlv_abc", "😀"])("answers id %j with not found", async (id) => {
    const { account } = await createTestAccount("advertiser");
    await expect(getWebhook(account.id, id)).rejects.toMatchObject({ code: "not_found" });
    await expect(deleteWebhook(account.id, id)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("updating and deleting", () => {
  it("changes only the fields sent", async () => {
    const { account } = await createTestAccount("advertiser");
    const hook = await create(account.id, { description: "before", enabled: true });
    const updated = await update(account.id, hook.id, { description: "after" });
    expect(updated).toMatchObject({ description: "after", enabled: true, url: hook.url, events: hook.events });
    expect(new Date(updated.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(hook.updatedAt).getTime());

    const moved = await update(account.id, hook.id, {
      url: "https://elsewhere.example.test/in",
      events: ["conversion.rejected", "conversion.approved"],
    });
    expect(moved).toMatchObject({ description: "after", url: "https://elsewhere.example.test/in" });
    expect(moved.events).toEqual(["conversion.rejected", "conversion.approved"]);
  });

  it("editing a disabled endpoint's description leaves it disabled", async () => {
    const { account } = await createTestAccount("advertiser");
    const hook = await create(account.id, { enabled: false });
    expect(hook.enabled).toBe(false);
    const updated = await update(account.id, hook.id, { description: "still off" });
    expect(updated).toMatchObject({ description: "still off", enabled: false });
    expect(updated.disabledReason).toMatch(/dashboard/i);
  });

  it("the update schema refuses an empty patch and unknown fields", () => {
    expect(updateWebhookInput.safeParse({}).success).toBe(false);
    expect(updateWebhookInput.safeParse({ secret: "whsec_x" }).success).toBe(false);
    expect(updateWebhookInput.safeParse({ events: [] }).success).toBe(false);
    expect(updateWebhookInput.safeParse({ url: "ftp://example.test" }).success).toBe(false);
    expect(updateWebhookInput.safeParse({ enabled: false })).toMatchObject({ success: true, data: { enabled: false } });
  });

  it("deletes the endpoint with its secrets and deliveries", async () => {
    const { account } = await createTestAccount("advertiser");
    const hook = await create(account.id);
    const { deliveryIds } = await enqueue(account.id);
    await deleteWebhook(account.id, hook.id);
    await expect(getWebhook(account.id, hook.id)).rejects.toMatchObject({ code: "not_found" });
    const db = await getDb();
    expect(await db.select().from(webhookSecrets).where(eq(webhookSecrets.webhookId, hook.id))).toEqual([]);
    expect(await db.select().from(deliveries).where(eq(deliveries.id, deliveryIds[0]!))).toEqual([]);
    await expect(deleteWebhook(account.id, hook.id)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("held deliveries and re-enabling", () => {
  async function disabledWithHeld(held: number) {
    const { account } = await createTestAccount("advertiser");
    const hook = await create(account.id);
    const db = await getDb();
    await db
      .update(webhooks)
      .set({
        enabled: false,
        disabledReason: "every delivery failed for 3 days.",
        failingSince: new Date(Date.now() - 3 * 86_400_000),
        disableWarnedAt: new Date(Date.now() - 86_400_000),
        lastError: "Receiver answered HTTP 500",
      })
      .where(eq(webhooks.id, hook.id));
    const ids: string[] = [];
    for (let i = 0; i < held; i++) ids.push(...(await enqueue(account.id)).deliveryIds);
    return { account, hook, ids };
  }

  it("counts the deliveries held while disabled", async () => {
    const { account, hook, ids } = await disabledWithHeld(3);
    expect(ids).toHaveLength(3);
    const got = await getWebhook(account.id, hook.id);
    expect(got).toMatchObject({ enabled: false, disabledReason: "every delivery failed for 3 days.", heldDeliveries: 3 });
  });

  it("re-enabling clears the reason and the failing stretch and hands the held deliveries to the engine", async () => {
    const { account, hook, ids } = await disabledWithHeld(2);
    let updated: Awaited<ReturnType<typeof update>> | undefined;
    const woken = await wokenDuring(async () => {
      updated = await update(account.id, hook.id, { enabled: true });
    });
    expect(updated).toMatchObject({ enabled: true, disabledReason: null, heldDeliveries: 0 });
    expect(woken.sort()).toEqual([...ids].sort());

    const db = await getDb();
    const [row] = await db.select().from(webhooks).where(eq(webhooks.id, hook.id));
    expect(row).toMatchObject({ failingSince: null, disableWarnedAt: null });
    const rows = await db.select().from(deliveries).where(eq(deliveries.webhookId, hook.id));
    expect(rows.map((d) => d.status)).toEqual(["pending", "pending"]);
  });

  it("discardHeld marks the held deliveries failed with a clear error and sends nothing", async () => {
    const { account, hook, ids } = await disabledWithHeld(2);
    const woken = await wokenDuring(() => update(account.id, hook.id, { enabled: true, discardHeld: true }));
    expect(woken).toEqual([]);
    const db = await getDb();
    const rows = await db.select().from(deliveries).where(eq(deliveries.webhookId, hook.id));
    expect(rows.map((d) => d.id).sort()).toEqual([...ids].sort());
    for (const d of rows) {
      expect(d).toMatchObject({ status: "failed", lastError: DISCARDED_HELD_ERROR, nextAttemptAt: null });
      expect(d.completedAt).toBeInstanceOf(Date);
    }
    expect((await getWebhook(account.id, hook.id)).enabled).toBe(true);
  });

  it("disabling from the dashboard records why, and holds new deliveries", async () => {
    const { account } = await createTestAccount("advertiser");
    const hook = await create(account.id);
    const disabled = await update(account.id, hook.id, { enabled: false });
    expect(disabled.enabled).toBe(false);
    expect(disabled.disabledReason).toMatch(/dashboard/i);
    await enqueue(account.id);
    expect((await getWebhook(account.id, hook.id)).heldDeliveries).toBe(1);
  });

  it("does not discard in-flight deliveries of an endpoint that was already enabled", async () => {
    const { account } = await createTestAccount("advertiser");
    const hook = await create(account.id);
    await enqueue(account.id);
    await update(account.id, hook.id, { enabled: true, discardHeld: true });
    const db = await getDb();
    const rows = await db.select().from(deliveries).where(eq(deliveries.webhookId, hook.id));
    expect(rows.map((d) => d.status)).toEqual(["pending"]);
  });
});

describe("rotating the signing secret", () => {
  it("keeps the old secret signing alongside the new one until the grace period ends", async () => {
    const { account } = await createTestAccount("advertiser");
    const hook = await create(account.id);
    const before = Date.now();
    const rotated = await rotateWebhookSecret(account.id, hook.id, rotateSecretInput.parse({}));
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(hook.secret);
    const expires = new Date(rotated.previousSecretExpiresAt!).getTime();
    expect(expires).toBeGreaterThanOrEqual(before + 86_400_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 86_400_000);

    expect(await validSecrets(hook.id)).toEqual([rotated.secret, hook.secret]);
    const got = await getWebhook(account.id, hook.id);
    expect(new Date(got.previousSecretExpiresAt!).getTime()).toBe(expires);
    expect(got.secretRotatedAt).toBeInstanceOf(Date);
    expect(JSON.stringify(got)).not.toContain(rotated.secret);
  });

  it("with no grace period the old secret stops at once", async () => {
    const { account } = await createTestAccount("advertiser");
    const hook = await create(account.id);
    const rotated = await rotateWebhookSecret(account.id, hook.id, { gracePeriodSeconds: 0 });
    expect(await validSecrets(hook.id)).toEqual([rotated.secret]);
    expect((await getWebhook(account.id, hook.id)).previousSecretExpiresAt).toBeNull();
  });

  it("a later rotation without grace also ends an earlier rotation's grace period", async () => {
    const { account } = await createTestAccount("advertiser");
    const hook = await create(account.id);
    const first = await rotateWebhookSecret(account.id, hook.id, { gracePeriodSeconds: 3600 });
    expect(await validSecrets(hook.id)).toEqual([first.secret, hook.secret]);
    const second = await rotateWebhookSecret(account.id, hook.id, { gracePeriodSeconds: 0 });
    expect(await validSecrets(hook.id)).toEqual([second.secret]);
  });

  it("a longer grace on a later rotation does not extend an already-expiring secret", async () => {
    const { account } = await createTestAccount("advertiser");
    const hook = await create(account.id);
    const first = await rotateWebhookSecret(account.id, hook.id, { gracePeriodSeconds: 60 });
    const firstEnds = new Date(first.previousSecretExpiresAt!).getTime();
    // Within the first grace period: `first` is current and keeps signing; rotating it again
    // with a longer grace cannot make the (now ended) original last longer.
    await rotateWebhookSecret(account.id, hook.id, { gracePeriodSeconds: 7200 });
    const db = await getDb();
    const [original] = await db.select().from(webhookSecrets).where(eq(webhookSecrets.webhookId, hook.id)).orderBy(webhookSecrets.createdAt);
    expect(original!.expiresAt!.getTime()).toBeLessThanOrEqual(firstEnds);
  });

  it("keeps at most two secrets valid: a rotation during a grace period ends the older previous secret, and says so", async () => {
    const { account } = await createTestAccount("advertiser");
    const hook = await create(account.id);
    const first = await rotateWebhookSecret(account.id, hook.id, { gracePeriodSeconds: 3600 });
    expect(first.endedPreviousSecrets).toBe(0);
    expect(await validSecrets(hook.id)).toEqual([first.secret, hook.secret]);
    const second = await rotateWebhookSecret(account.id, hook.id, { gracePeriodSeconds: 3600 });
    expect(second.endedPreviousSecrets).toBe(1); // the original, still in first's grace period
    expect(await validSecrets(hook.id)).toEqual([second.secret, first.secret]);
    for (let i = 0; i < 5; i++) await rotateWebhookSecret(account.id, hook.id, { gracePeriodSeconds: 3600 });
    expect(await validSecrets(hook.id)).toHaveLength(2);
    const last = await rotateWebhookSecret(account.id, hook.id, { gracePeriodSeconds: 0 });
    expect(last).toMatchObject({ previousSecretExpiresAt: null, endedPreviousSecrets: 1 });
    expect(await validSecrets(hook.id)).toEqual([last.secret]);
  });

  it("a delivery after three rotations carries exactly two signatures, both verified by the receiver", async () => {
    useFastDeliverySettings();
    resetConfigForTests();
    const receiver = await startReceiver();
    try {
      const { account } = await createTestAccount("advertiser");
      const hook = await create(account.id, { url: receiver.url });
      const rotations = [];
      for (let i = 0; i < 3; i++) rotations.push(await rotateWebhookSecret(account.id, hook.id, { gracePeriodSeconds: 3600 }));
      const [, second, third] = rotations.map((r) => r.secret);
      const { deliveryIds } = await enqueue(account.id);
      receiver.setSecrets([third!, second!, rotations[0]!.secret, hook.secret]);
      await processDelivery(deliveryIds[0]!, { owner: "test" });
      const [got] = await receiver.waitFor(1);
      expect(got!.signatureValid).toEqual([true, true, false, false]);
      expect(got!.standardValid).toEqual([true, true, false, false]);
      expect(String(got!.headers["x-webhook-signature"]).match(/v1=/g)).toHaveLength(2);
      expect(String(got!.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    } finally {
      await receiver.close();
    }
  });

  it("answers 429 rate_limited past 10 rotations an hour of one endpoint; other endpoints are not affected", async () => {
    const { account } = await createTestAccount("advertiser");
    const [hook, other] = [await create(account.id), await create(account.id)];
    for (let i = 0; i < 10; i++) await rotateWebhookSecret(account.id, hook.id, { gracePeriodSeconds: 60 });
    const before = await validSecrets(hook.id);
    const refused = await rotateWebhookSecret(account.id, hook.id, { gracePeriodSeconds: 60 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ code: "rate_limited", details: { retryAfterSeconds: expect.any(Number) } });
    const res = errorResponse(refused);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(3000); // about an hour
    expect((await res.json()).error).toMatchObject({ code: "rate_limited", message: expect.stringMatching(/rotations/) });
    expect(await validSecrets(hook.id)).toEqual(before); // nothing changed
    await expect(rotateWebhookSecret(account.id, other.id, { gracePeriodSeconds: 60 })).resolves.toMatchObject({ secret: expect.any(String) });
  });

  it("the grace period is 0 to 7 days", () => {
    expect(rotateSecretInput.safeParse({ gracePeriodSeconds: -1 }).success).toBe(false);
    expect(rotateSecretInput.safeParse({ gracePeriodSeconds: 604_801 }).success).toBe(false);
    expect(rotateSecretInput.safeParse({ gracePeriodSeconds: 1.5 }).success).toBe(false);
    expect(rotateSecretInput.parse({ gracePeriodSeconds: 604_800 }).gracePeriodSeconds).toBe(604_800);
  });
});
