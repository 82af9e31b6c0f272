import { like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as signup } from "@/app/api/signup/route";
import { GET as listPrograms } from "@/app/api/v1/programs/route";
import { closeDb, getDb } from "@/lib/db";
import { rateLimits } from "@/lib/db/schema";
import { randomString } from "@/lib/ids";
import { callRoute, createTestAccount } from "@/lib/testing/fixtures";
import { SOCKET_ADDRESS_HEADER } from "./client-address";
import { ApiError } from "./errors";
import { clientIp, consumeRateLimit, enforceRateLimit, sweepExpiredRateLimits, type RateLimitRule } from "./rate-limit";

// Opening (and migrating) the database is slow on PGlite: do it under the hook timeout.
beforeAll(() => getDb(), 120_000);
afterAll(closeDb);

// Each test gets a scope of its own: the PostgreSQL database is shared with other test runs.
// Fixed clocks are in the past, so a sweep they trigger never removes anyone's live counter.
const freshRule = (limit: number, windowMs = 60_000): RateLimitRule => ({ scope: `test_${randomString(10)}`, limit, windowMs });

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe("enforceRateLimit", () => {
  it("lets `limit` requests through in a window, then answers 429 rate_limited with Retry-After", async () => {
    const rule = freshRule(3, 60_000);
    const t0 = new Date("2001-01-01T00:00:00Z");
    for (let i = 0; i < 3; i++) await enforceRateLimit(rule, "subject", "Slow down.", new Date(t0.getTime() + i * 1000));

    const err = await rejection(enforceRateLimit(rule, "subject", "Slow down.", new Date(t0.getTime() + 20_000)));
    expect(err.code).toBe("rate_limited");
    expect(err.status).toBe(429);
    // The window opened at t0 and lasts 60 s: 40 s are left.
    expect(err.headers?.["Retry-After"]).toBe("40");
    expect(err.details).toEqual({ retryAfterSeconds: 40 });
    expect(err.message).toMatch(/^Slow down\. Try again in 40 seconds\.$/);
  });

  it("opens a new window once the old one has ended", async () => {
    const rule = freshRule(2, 10_000);
    const t0 = new Date("2001-01-01T00:00:00Z");
    await enforceRateLimit(rule, "s", "m", t0);
    await enforceRateLimit(rule, "s", "m", t0);
    await rejection(enforceRateLimit(rule, "s", "m", new Date(t0.getTime() + 9_999)));

    const later = new Date(t0.getTime() + 10_000);
    const fresh = await consumeRateLimit(rule, "s", later);
    expect(fresh).toMatchObject({ allowed: true, count: 1, retryAfterSeconds: 10 });
    expect(fresh.resetAt.getTime()).toBe(later.getTime() + 10_000);
  });

  it("counts each subject and each scope separately", async () => {
    const rule = freshRule(1);
    const other = freshRule(1);
    const now = new Date();
    await enforceRateLimit(rule, "alice", "m", now);
    await rejection(enforceRateLimit(rule, "alice", "m", now));
    // Neither another subject under the same rule nor the same subject under another rule is affected.
    await enforceRateLimit(rule, "bob", "m", now);
    await enforceRateLimit(other, "alice", "m", now);
  });

  it("is off when the limit is 0", async () => {
    const rule = freshRule(0);
    for (let i = 0; i < 5; i++) await enforceRateLimit(rule, "s", "m");
    const db = await getDb();
    expect(await db.select().from(rateLimits).where(like(rateLimits.key, `${rule.scope}:%`))).toEqual([]);
  });

  it("never lets more than `limit` through when requests race", async () => {
    const rule = freshRule(5);
    const now = new Date();
    const results = await Promise.all(Array.from({ length: 20 }, () => consumeRateLimit(rule, "racer", now)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("stores a hash of the subject, never the email or address itself", async () => {
    const rule = freshRule(5);
    const email = `person-${randomString(6)}@example.test`;
    await consumeRateLimit(rule, email);
    const db = await getDb();
    const rows = await db.select().from(rateLimits).where(like(rateLimits.key, `${rule.scope}:%`));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key).toMatch(new RegExp(`^${rule.scope}:[0-9a-f]{64}$`));
  });
});

describe("sweepExpiredRateLimits", () => {
  it("deletes counters whose window has ended and keeps live ones", async () => {
    const rule = freshRule(5, 1_000);
    const long = freshRule(5, 3_600_000);
    const t0 = new Date("2001-06-01T00:00:00Z");
    await consumeRateLimit(rule, "old", t0);
    await consumeRateLimit(long, "live", t0);
    const db = await getDb();
    const keysOf = async (scope: string) => (await db.select().from(rateLimits).where(like(rateLimits.key, `${scope}:%`))).length;
    expect(await keysOf(rule.scope)).toBe(1);

    await sweepExpiredRateLimits(new Date(t0.getTime() + 5_000), true);
    expect(await keysOf(rule.scope)).toBe(0);
    expect(await keysOf(long.scope)).toBe(1);
  });

  it("runs at most once a minute per process unless forced", async () => {
    const t = new Date("2002-01-01T00:00:00Z");
    await sweepExpiredRateLimits(t, true);
    const rule = freshRule(5, 1_000);
    await consumeRateLimit(rule, "x", new Date(t.getTime() - 10_000));
    const db = await getDb();
    // 30 s after the last sweep: nothing is deleted yet.
    expect(await sweepExpiredRateLimits(new Date(t.getTime() + 30_000))).toBe(0);
    expect(await db.select().from(rateLimits).where(like(rateLimits.key, `${rule.scope}:%`))).toHaveLength(1);
  });
});

describe("clientIp", () => {
  it("believes no forwarding header by default, and X-Forwarded-For only as far as TRUST_PROXY_HOPS says", async () => {
    const { resetConfigForTests } = await import("@/lib/config");
    const spoofed = new Headers({ "x-forwarded-for": "1.2.3.4, 10.0.0.7", "x-real-ip": "198.51.100.1" });
    expect(clientIp(spoofed)).toBeNull();
    process.env.TRUST_PROXY_HOPS = "1";
    resetConfigForTests();
    try {
      expect(clientIp(spoofed)).toBe("10.0.0.7");
    } finally {
      delete process.env.TRUST_PROXY_HOPS;
      resetConfigForTests();
    }
  });
});

describe("limits on the routes", () => {
  it("an API key over its per-minute limit gets 429 with Retry-After from /api/v1", async () => {
    const { apiKey } = await createTestAccount("affiliate");
    process.env.RATE_LIMIT_API_KEY_PER_MINUTE = "2";
    const { resetConfigForTests } = await import("@/lib/config");
    resetConfigForTests();
    try {
      const call = () => callRoute(listPrograms, { path: "/api/v1/programs?limit=1", apiKey });
      expect((await call()).status).toBe(200);
      expect((await call()).status).toBe(200);
      const limited = await call();
      expect(limited.status).toBe(429);
      expect(limited.json.error.code).toBe("rate_limited");
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
      // Another key of another account is unaffected.
      const other = await createTestAccount("affiliate");
      expect((await callRoute(listPrograms, { path: "/api/v1/programs?limit=1", apiKey: other.apiKey })).status).toBe(200);
    } finally {
      delete process.env.RATE_LIMIT_API_KEY_PER_MINUTE;
      resetConfigForTests();
    }
  });

  it("sign-ups from one address are limited per hour, whatever X-Forwarded-For it sends; another address is not", async () => {
    process.env.RATE_LIMIT_SIGNUP_PER_HOUR = "2";
    // As under `npm start`: server.mjs passes the socket's address in a header of its own.
    process.env.PARTNERSMY_SOCKET_ADDRESS_HEADER = "1";
    const { resetConfigForTests } = await import("@/lib/config");
    resetConfigForTests();
    const [a, b] = [Math.floor(Math.random() * 65_000), Math.floor(Math.random() * 65_000)];
    const ip = `2001:db8::${a.toString(16)}:${b.toString(16)}`;
    const otherIp = `2001:db8::${a.toString(16)}:${(b + 1).toString(16)}`;
    const body = () => ({
      email: `limit-${randomString(8)}@example.test`,
      password: "correct horse battery",
      name: "Ada",
      accountName: "Shop",
      accountKind: "advertiser",
    });
    try {
      let n = 0;
      const from = (addr: string) =>
        callRoute(signup, {
          method: "POST",
          body: body(),
          headers: { [SOCKET_ADDRESS_HEADER]: addr, "x-forwarded-for": `198.51.100.${n++}`, "x-real-ip": `198.51.100.${n++}` },
        });
      expect((await from(ip)).status).toBe(201);
      expect((await from(ip)).status).toBe(201);
      const limited = await from(ip);
      expect(limited.status).toBe(429);
      expect(limited.json.error).toMatchObject({ code: "rate_limited" });
      expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
      expect((await from(otherIp)).status).toBe(201);
    } finally {
      delete process.env.RATE_LIMIT_SIGNUP_PER_HOUR;
      delete process.env.PARTNERSMY_SOCKET_ADDRESS_HEADER;
      resetConfigForTests();
    }
  });
});
