import { enforceRateLimit, type RateLimitRule } from "@/lib/api/rate-limit";
import { getConfig } from "@/lib/config";

// Limits on the calls that make deliveries or signing secrets on demand, counted with the API's
// rate-limit counters (lib/api/rate-limit.ts): over one, 429 `rate_limited` with Retry-After.

/** Test sends per account (dashboard and API alike): each one may fan out to every endpoint. */
export function limitTestSends(accountId: string) {
  const rule: RateLimitRule = { scope: "test_send", limit: getConfig().rateLimits.testSendsPerMinute, windowMs: 60_000 };
  return enforceRateLimit(rule, accountId, "Too many test events for this account.");
}

/** Secret rotations per endpoint (keyed with the account, so nobody can spend another's). */
export function limitSecretRotations(accountId: string, webhookId: string) {
  const rule: RateLimitRule = { scope: "rotate_secret", limit: getConfig().rateLimits.rotationsPerHour, windowMs: 3_600_000 };
  return enforceRateLimit(rule, `${accountId}:${webhookId}`, "Too many secret rotations for this endpoint.");
}
