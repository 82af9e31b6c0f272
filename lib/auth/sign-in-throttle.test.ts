import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { closeDb, getDb } from "@/lib/db";
import { randomString } from "@/lib/ids";
import { claimSignInAttempt, clearSignInFailures, delayAfterFailures, sweepSignInFailures } from "./sign-in-throttle";

// Issue 10 item 1: per email, a delay that grows with each failure and always ends by itself.

beforeAll(() => getDb(), 120_000);
afterAll(closeDb);

const FREE = 5; // RATE_LIMIT_SIGNIN_PER_ACCOUNT's default
const email = () => `throttle-${randomString(10)}@example.test`;
const at = (t0: Date, ms: number) => new Date(t0.getTime() + ms);

async function retryAfter(promise: Promise<unknown>): Promise<number | null> {
  try {
    await promise;
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe("rate_limited");
    expect((err as ApiError).message).toMatch(/sign-in attempts for this email/);
    return Number((err as ApiError).headers?.["Retry-After"]);
  }
}

describe("delayAfterFailures", () => {
  it("is nothing for the first few, then 30 s doubling per failure, never more than 15 minutes", () => {
    expect([1, 2, 3, 4].map((n) => delayAfterFailures(n, FREE))).toEqual([0, 0, 0, 0]);
    expect([5, 6, 7, 8, 9, 10, 11, 50, 10_000].map((n) => delayAfterFailures(n, FREE) / 1000)).toEqual([
      30, 60, 120, 240, 480, 900, 900, 900, 900,
    ]);
    expect(delayAfterFailures(100, 0)).toBe(0);
  });
});

describe("claimSignInAttempt", () => {
  it("lets five attempts through, then each next one waits longer, and a wait ends by itself", async () => {
    const who = email();
    const t0 = new Date("2003-01-01T00:00:00Z");
    for (let i = 0; i < FREE; i++) expect(await retryAfter(claimSignInAttempt(who, at(t0, i)))).toBeNull();
    // The fifth failure started a 30 s wait.
    expect(await retryAfter(claimSignInAttempt(who, at(t0, 10_000)))).toBe(21); // 30.004 s - 10 s, rounded up
    // Waiting it out lets one more try through; failing again doubles the wait.
    const t1 = at(t0, 4 + 30_000);
    expect(await retryAfter(claimSignInAttempt(who, t1))).toBeNull();
    expect(await retryAfter(claimSignInAttempt(who, at(t1, 1)))).toBe(60);
    const t2 = at(t1, 60_000);
    expect(await retryAfter(claimSignInAttempt(who, t2))).toBeNull();
    expect(await retryAfter(claimSignInAttempt(who, at(t2, 1)))).toBe(120);
  });

  it("attempts refused during a wait do not make it longer (the owner trying again does no harm)", async () => {
    const who = email();
    const t0 = new Date("2003-02-01T00:00:00Z");
    for (let i = 0; i < FREE; i++) await claimSignInAttempt(who, t0);
    for (let s = 1; s < 30; s += 3) expect(await retryAfter(claimSignInAttempt(who, at(t0, s * 1000)))).toBe(30 - s);
    expect(await retryAfter(claimSignInAttempt(who, at(t0, 30_000)))).toBeNull();
  });

  it("a successful sign-in (clearSignInFailures) starts the count again", async () => {
    const who = email();
    const t0 = new Date("2003-03-01T00:00:00Z");
    for (let i = 0; i < FREE - 1; i++) await claimSignInAttempt(who, t0);
    await clearSignInFailures(who);
    for (let i = 0; i < FREE; i++) expect(await retryAfter(claimSignInAttempt(who, t0))).toBeNull();
    expect(await retryAfter(claimSignInAttempt(who, t0))).toBe(30);
  });

  it("counts an email however it is capitalised, and each email on its own", async () => {
    const who = email();
    const t0 = new Date("2003-04-01T00:00:00Z");
    for (let i = 0; i < FREE; i++) await claimSignInAttempt(i % 2 ? who.toUpperCase() : ` ${who} `, t0);
    expect(await retryAfter(claimSignInAttempt(who, t0))).toBe(30);
    expect(await retryAfter(claimSignInAttempt(email(), t0))).toBeNull();
  });

  it("a day without failures forgets them", async () => {
    const who = email();
    const t0 = new Date("2003-05-01T00:00:00Z");
    for (let i = 0; i < FREE; i++) await claimSignInAttempt(who, t0);
    const nextDay = at(t0, 24 * 3_600_000 + 1);
    for (let i = 0; i < FREE; i++) expect(await retryAfter(claimSignInAttempt(who, nextDay))).toBeNull();
  });

  it("parallel guesses cannot slip past: exactly five get through", async () => {
    const who = email();
    const now = new Date("2003-06-01T00:00:00Z");
    const results = await Promise.all(Array.from({ length: 20 }, () => retryAfter(claimSignInAttempt(who, now))));
    expect(results.filter((r) => r === null)).toHaveLength(FREE);
  });

  it("old runs of failures are swept", async () => {
    const who = email();
    const t0 = new Date("2003-07-01T00:00:00Z");
    await claimSignInAttempt(who, t0);
    expect(await sweepSignInFailures(at(t0, 24 * 3_600_000 + 1), true)).toBeGreaterThanOrEqual(1);
  });
});
