import { createHash } from "node:crypto";
import { lt, sql } from "drizzle-orm";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db";
import { rateLimits } from "@/lib/db/schema";
import { processSlot } from "@/lib/singleton";
import { ApiError } from "./errors";

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
    signIn: { scope: "sign_in", limit: limits.signInPer15Minutes, windowMs: 15 * 60_000 },
    signUp: { scope: "sign_up", limit: limits.signUpPerHour, windowMs: 60 * 60_000 },
  } satisfies Record<string, RateLimitRule>;
}

/** Count one request against `subject` under `rule`. */
export async function consumeRateLimit(rule: RateLimitRule, subject: string, now = new Date()): Promise<RateLimitResult> {
  const db = await getDb();
  await sweepExpiredRateLimits(now);
  // Subjects can be long or personal (emails, IPs): only a hash goes into the table.
  const key = `${rule.scope}:${createHash("sha256").update(subject).digest("hex")}`;
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
  if (result.allowed) return;
  throw new ApiError(
    "rate_limited",
    `${message} Try again in ${describeWait(result.retryAfterSeconds)}.`,
    { retryAfterSeconds: result.retryAfterSeconds },
    { "Retry-After": String(result.retryAfterSeconds) },
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

/** Sign-in attempts per email and client address, successful or not. */
export function limitSignIn(email: string, ip: string | null) {
  const subject = `${email.trim().toLowerCase()}|${ip ?? "unknown"}`;
  return enforceRateLimit(rateLimitRules().signIn, subject, "Too many sign-in attempts for this email.");
}

/** Sign-ups per client address; without a known address there is nothing to key on. */
export async function limitSignUp(ip: string | null) {
  if (ip === null) return;
  await enforceRateLimit(rateLimitRules().signUp, ip, "Too many sign-ups from this address.");
}

/**
 * The caller's address: the last X-Forwarded-For entry, the one added by the proxy nearest to
 * us (Vercel and nginx's $proxy_add_x_forwarded_for; `next start` fills it from the socket
 * when absent). Earlier entries are whatever the client claimed.
 */
export function clientIp(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-for");
  const last = forwarded?.split(",").map((s) => s.trim()).filter(Boolean).at(-1);
  const ip = last ?? headers.get("x-real-ip")?.trim();
  return ip ? ip.slice(0, 100) : null;
}

function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
