// The pure delivery policy: how an attempt's answer is classified and when the next attempt is
// due. No I/O here; delivery.ts applies the decision to the database.

/** How one HTTP answer (or the lack of one) counts. */
export type AttemptClass = "success" | "gone" | "failure";

export function classifyAttempt(statusCode: number | null): AttemptClass {
  if (statusCode !== null && statusCode >= 200 && statusCode < 300) return "success";
  // 410 Gone: the receiver says the endpoint is gone for good, so stop sending to it at once.
  if (statusCode === 410) return "gone";
  return "failure";
}

/** Jitter spreads retries of many deliveries that failed together (±15% of the delay). */
export const JITTER = 0.15;

/**
 * Retry-After in milliseconds from now, as delay-seconds or an HTTP date; null when absent or
 * unreadable. Only 429 and 503 carry a Retry-After that we honour.
 */
export function parseRetryAfter(header: string | null | undefined, now: Date = new Date()): number | null {
  if (!header) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

export type NextStep =
  | { kind: "succeeded" }
  | { kind: "retry"; delayMs: number }
  | { kind: "failed"; gone: boolean };

export interface DecideInput {
  statusCode: number | null;
  retryAfter?: string | null;
  /** Attempts made in the current budget, counting the one just made (1 after the first). */
  attemptsInBudget: number;
  /** Delay before each retry; its length is the number of retries (WEBHOOK_RETRY_DELAYS_MS). */
  retryDelaysMs: readonly number[];
  maxRetryAfterMs: number;
  now?: Date;
  /** A number in [0, 1); injectable so the jitter can be tested. */
  random?: () => number;
}

/** What an attempt's outcome means for its delivery: done, retry after a delay, or failed. */
export function decideNextStep(input: DecideInput): NextStep {
  const outcome = classifyAttempt(input.statusCode);
  if (outcome === "success") return { kind: "succeeded" };
  if (outcome === "gone") return { kind: "failed", gone: true };
  const retryIndex = input.attemptsInBudget - 1;
  const baseDelay = input.retryDelaysMs[retryIndex];
  if (baseDelay === undefined) return { kind: "failed", gone: false };
  let delayMs = jitter(baseDelay, input.random ?? Math.random);
  if (input.statusCode === 429 || input.statusCode === 503) {
    const asked = parseRetryAfter(input.retryAfter, input.now);
    // Never come back sooner than the receiver asked, but cap how long one answer can park us.
    if (asked !== null) delayMs = Math.max(delayMs, Math.min(asked, input.maxRetryAfterMs));
  }
  return { kind: "retry", delayMs };
}

export function maxAttempts(retryDelaysMs: readonly number[]): number {
  return retryDelaysMs.length + 1;
}

export function jitter(delayMs: number, random: () => number = Math.random): number {
  return Math.round(delayMs * (1 - JITTER + 2 * JITTER * random()));
}
