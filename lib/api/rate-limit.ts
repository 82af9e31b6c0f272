import { createHash } from "node:crypto";
import { and, eq, gt, lt, sql } from "drizzle-orm";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db";
import { rateLimits } from "@/lib/db/schema";
import { claimSignInAttempt, clearSignInFailures } from "@/lib/auth/sign-in-throttle";
import { processSlot } from "@/lib/singleton";
import { ApiError } from "./errors";

export { clientIp } from "./client-address";

// Fixed-window counters in the database, so a limit holds across processes and serverless
// instances. One atomic upsert per request: it opens a window, counts into it, or starts a
// new one when the old has ended, and returns the count — no read-then-write race.

export interface RateLimitRule {
  /** Names the counter family, e.g. "api_key"; part of the row key. */
  scope: string;
  /** Requests allowed per window; 0 turns the rule off. */
  limit: number;
  windowMs: number;
}

export type RateLimitResult = { allowed: boolean; count: number; resetAt: Date; retryAfterSeconds: number };

function keyOf(rule: RateLimitRule, subject: string): string {
  // Subjects can be long or personal (emails, IPs): only a hash goes into the table.
  return `${rule.scope}:${createHash("sha256").update(subject).digest("hex")}`;
}

// Rows whose window ended this long ago are deleted, at most once a minute per process.
const SWEEP_EVERY_MS = 60_000;
const SWEEP_BATCH = 500;
const MAX_COUNT = 1_000_000_000; // keeps the integer column far from overflow under a flood
const sweptAt = processSlot("rateLimitSweptAt");

/** The rules as configured (RATE_LIMIT_* env vars). */
export function rateLimitRules() {
  const { rateLimits: limits } = getConfig();
  return {
    apiKey: { scope: "api_key", limit: limits.apiKeyPerMinute, windowMs: 60_000 },
    // Failed sign-ins from one address, whatever the email (per email: lib/auth/sign-in-throttle.ts).
    signInAddress: { scope: "sign_in_ip", limit: limits.signInFailuresPerAddressPer15Minutes, windowMs: 15 * 60_000 },
    signUp: { scope: "sign_up", limit: limits.signUpPerHour, windowMs: 60 * 60_000 },
    // Presented API keys that were not valid, per client address.
    apiKeyFailures: { scope: "api_key_fail", limit: limits.apiKeyFailuresPerMinute, windowMs: 60_000 },
  } satisfies Record<string, RateLimitRule>;
}

/** Count one request against `subject` under `rule`. */
export async function consumeRateLimit(rule: RateLimitRule, subject: string, now = new Date()): Promise<RateLimitResult> {
  const db = await getDb();
  await sweepExpiredRateLimits(now);
  const key = keyOf(rule, subject);
  const at = sql`${now.toISOString()}::timestamptz`;
  const [row] = await db
    .insert(rateLimits)
    .values({ key, count: 1, resetAt: new Date(now.getTime() + rule.windowMs) })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${rateLimits.resetAt} <= ${at} then 1 else least(${rateLimits.count} + 1, ${MAX_COUNT}) end`,
        resetAt: sql`case when ${rateLimits.resetAt} <= ${at} then excluded.reset_at else ${rateLimits.resetAt} end`,
      },
    })
    .returning({ count: rateLimits.count, resetAt: rateLimits.resetAt });
  const { count, resetAt } = row!;
  const retryAfterSeconds = Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000));
  return { allowed: count <= rule.limit, count, resetAt, retryAfterSeconds };
}

/** Count one request; past the limit, throw 429 `rate_limited` with Retry-After. */
export async function enforceRateLimit(rule: RateLimitRule, subject: string, message: string, now = new Date()) {
  if (rule.limit <= 0) return;
  const result = await consumeRateLimit(rule, subject, now);
  if (!result.allowed) throw rateLimited(message, result.retryAfterSeconds);
}

/** Throw 429 if `subject` has used up its window already, without counting this request. */
export async function assertUnderRateLimit(rule: RateLimitRule, subject: string, message: string, now = new Date()) {
  if (rule.limit <= 0) return;
  const db = await getDb();
  const [row] = await db
    .select({ count: rateLimits.count, resetAt: rateLimits.resetAt })
    .from(rateLimits)
    .where(and(eq(rateLimits.key, keyOf(rule, subject)), gt(rateLimits.resetAt, now)));
  if (row && row.count >= rule.limit) {
    throw rateLimited(message, Math.max(1, Math.ceil((row.resetAt.getTime() - now.getTime()) / 1000)));
  }
}

/** Give back one counted request (it turned out not to be what the rule limits). */
export async function refundRateLimit(rule: RateLimitRule, subject: string, now = new Date()) {
  if (rule.limit <= 0) return;
  const db = await getDb();
  await db
    .update(rateLimits)
    .set({ count: sql`greatest(${rateLimits.count} - 1, 0)` })
    .where(and(eq(rateLimits.key, keyOf(rule, subject)), gt(rateLimits.resetAt, now)));
}

export function rateLimited(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError(
    "rate_limited",
    `${message} Try again in ${describeWait(retryAfterSeconds)}.`,
    { retryAfterSeconds },
    { "Retry-After": String(retryAfterSeconds) },
  );
}

/** Delete counters whose window has ended (at most once a minute per process). */
export async function sweepExpiredRateLimits(now = new Date(), force = false): Promise<number> {
  const last = sweptAt.get() ?? 0;
  if (!force && Math.abs(now.getTime() - last) < SWEEP_EVERY_MS) return 0;
  sweptAt.set(now.getTime());
  const db = await getDb();
  const expired = db.select({ key: rateLimits.key }).from(rateLimits).where(lt(rateLimits.resetAt, now)).limit(SWEEP_BATCH);
  const deleted = await db
    .delete(rateLimits)
    .where(sql`${rateLimits.key} in (${expired})`)
    .returning({ key: rateLimits.key });
  return deleted.length;
}

// --- The product's limits ------------------------------------------------------------------

/** Per API key, e.g. 600 requests a minute. */
export function limitApiKey(apiKeyId: string) {
  return enforceRateLimit(rateLimitRules().apiKey, apiKeyId, "Too many requests with this API key.");
}

/**
 * Before a sign-in attempt: counts it against the client's address (failed sign-ins from one
 * address across all emails; a success gives it back, see signInSucceeded) and against the
 * email's growing delay. Either one over → 429. Without a known address only the email counts.
 */
export async function limitSignIn(email: string, ip: string | null) {
  if (ip !== null) {
    await enforceRateLimit(rateLimitRules().signInAddress, ip, "Too many failed sign-in attempts from this address.");
  }
  await claimSignInAttempt(email);
}

/** After a successful sign-in: the attempt was not a failure after all. */
export async function signInSucceeded(email: string, ip: string | null) {
  if (ip !== null) await refundRateLimit(rateLimitRules().signInAddress, ip);
  await clearSignInFailures(email);
}

/** Sign-ups per client address; without a known address there is nothing to key on. */
export async function limitSignUp(ip: string | null) {
  if (ip === null) return;
  await enforceRateLimit(rateLimitRules().signUp, ip, "Too many sign-ups from this address.");
}

/** Before looking up a presented API key: refuse an address that keeps presenting bad ones. */
export function assertApiKeyFailuresUnderLimit(ip: string | null) {
  if (ip === null) return Promise.resolve();
  return assertUnderRateLimit(rateLimitRules().apiKeyFailures, ip, API_KEY_FAILURES_MESSAGE);
}

/** A presented key was unknown or revoked: count it; the one over the limit is a 429, not a 401. */
export async function countApiKeyFailure(ip: string | null) {
  if (ip === null) return;
  await enforceRateLimit(rateLimitRules().apiKeyFailures, ip, API_KEY_FAILURES_MESSAGE);
}

const API_KEY_FAILURES_MESSAGE = "Too many requests with invalid API keys from this address.";

function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
