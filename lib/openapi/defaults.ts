import { parseConfig } from "@/lib/config";
import { JITTER, maxAttempts } from "@/lib/webhooks/retry-policy";

// The documented numbers are the code's defaults (an operator may change them with env vars),
// taken from the config parser with an empty environment so docs and code cannot disagree.
export function documentedDefaults() {
  const config = parseConfig({});
  return {
    retryDelaysMs: config.retryDelaysMs,
    attempts: maxAttempts(config.retryDelaysMs),
    jitterPercent: Math.round(JITTER * 100),
    timeoutMs: config.timeoutMs,
    connectTimeoutMs: config.connectTimeoutMs,
    firstByteTimeoutMs: config.firstByteTimeoutMs,
    disableAfterMs: config.disableAfterMs,
    maxRetryAfterMs: config.maxRetryAfterMs,
    apiKeyPerMinute: config.rateLimits.apiKeyPerMinute,
    apiKeyFailuresPerMinute: config.rateLimits.apiKeyFailuresPerMinute,
    signUpPerHour: config.rateLimits.signUpPerHour,
    testSendsPerMinute: config.rateLimits.testSendsPerMinute,
    rotationsPerHour: config.rateLimits.rotationsPerHour,
  };
}
