import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyAttempt, decideNextStep, jitter, maxAttempts, parseRetryAfter } from "./retry-policy";

const DELAYS = [60_000, 300_000, 1_500_000];
const base = { retryDelaysMs: DELAYS, maxRetryAfterMs: 3_600_000, random: () => 0.5 };

describe("retry policy", () => {
  it.each([
    [200, "success"],
    [204, "success"],
    [299, "success"],
    [410, "gone"],
    [301, "failure"],
    [400, "failure"],
    [429, "failure"],
    [500, "failure"],
    [null, "failure"],
  ] as const)("classifies %s as %s", (status, expected) => {
    expect(classifyAttempt(status)).toBe(expected);
  });

  it("allows 3 retries (4 attempts) with the default delays, then gives up", () => {
    expect(maxAttempts(DELAYS)).toBe(4);
    const steps = [1, 2, 3, 4].map((n) => decideNextStep({ ...base, statusCode: 500, attemptsInBudget: n }));
    expect(steps).toEqual([
      { kind: "retry", delayMs: 60_000 },
      { kind: "retry", delayMs: 300_000 },
      { kind: "retry", delayMs: 1_500_000 },
      { kind: "failed", gone: false },
    ]);
  });

  it("succeeds on any 2xx and stops at once on 410, whatever the budget", () => {
    expect(decideNextStep({ ...base, statusCode: 201, attemptsInBudget: 1 })).toEqual({ kind: "succeeded" });
    expect(decideNextStep({ ...base, statusCode: 410, attemptsInBudget: 1 })).toEqual({ kind: "failed", gone: true });
  });

  it("keeps jitter within ±15% of the configured delay", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (d, r) => {
        const j = jitter(d, () => r);
        return j >= Math.floor(d * 0.85) && j <= Math.ceil(d * 1.15);
      }),
    );
    expect(jitter(1000, () => 0)).toBe(850);
    expect(jitter(1000, () => 0.999999)).toBe(1150);
  });

  it("parses Retry-After as seconds or an HTTP date, and ignores junk", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it("waits at least as long as a 429/503 Retry-After asks, up to the cap", () => {
    const ask = (statusCode: number, retryAfter: string, maxRetryAfterMs = 3_600_000) =>
      decideNextStep({ ...base, statusCode, retryAfter, attemptsInBudget: 1, maxRetryAfterMs });
    expect(ask(429, "600")).toEqual({ kind: "retry", delayMs: 600_000 });
    expect(ask(503, "600")).toEqual({ kind: "retry", delayMs: 600_000 });
    // Shorter than the backoff: the backoff stands (a receiver cannot make us hammer it).
    expect(ask(429, "1")).toEqual({ kind: "retry", delayMs: 60_000 });
    expect(ask(429, "86400", 120_000)).toEqual({ kind: "retry", delayMs: 120_000 });
    // Other statuses' Retry-After is not ours to honour.
    expect(ask(500, "600")).toEqual({ kind: "retry", delayMs: 60_000 });
  });

  it("never retries past the budget, even when Retry-After asks", () => {
    expect(decideNextStep({ ...base, statusCode: 429, retryAfter: "5", attemptsInBudget: 4 })).toEqual({
      kind: "failed",
      gone: false,
    });
  });
});
