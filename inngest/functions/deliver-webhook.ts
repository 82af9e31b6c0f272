import { deliveryRequested, inngest } from "@/inngest/client";
import { deliveryConcurrency } from "@/lib/config";
import { processDelivery, type ProcessResult } from "@/lib/webhooks/delivery";
import { rescueDelivery } from "./rescue-delivery";

// The inngest engine: one run per requested delivery. Each attempt is its own step (so a
// finished attempt is never repeated when the run resumes), the backoff is a durable sleep
// until next_attempt_at, and the loop ends when the delivery succeeds or fails. What an
// attempt's outcome means is decided by the same state machine the embedded worker uses.

// Enough rounds for every attempt of a budget plus a few "not yet due / leased" waits.
const MAX_ROUNDS = 25;
// Another worker or run holds the delivery: wait for its lease to end, this many times in a row.
const MAX_LEASED_WAITS = 5;

// The embedded worker's limits (lib/config.ts), declared when the function is defined: steps
// running at once per endpoint and per account. Sleeping runs hold no slot.
const limits = deliveryConcurrency();

export const deliverWebhook = inngest.createFunction(
  {
    id: "deliver-webhook",
    name: "Deliver a webhook",
    // Retries here only cover crashes of a step itself (say, the database was unreachable);
    // HTTP failures are retried by the state machine's own backoff.
    retries: 3,
    triggers: [deliveryRequested],
    concurrency: [
      { key: "event.data.webhookId", limit: limits.perEndpoint },
      { key: "event.data.accountId", limit: limits.perAccount },
    ],
    // A run that dies in error is asked for once more (see rescue-delivery.ts).
    onFailure: rescueDelivery,
  },
  async ({ event, step, runId }) => {
    const { deliveryId } = event.data;
    const owner = `inngest:${runId}`;
    let last: ProcessResult | undefined;
    let leasedWaits = 0;
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      last = await step.run(`attempt-${round}`, () => processDelivery(deliveryId, { owner }));
      const wakeAt = nextWake(last);
      if (!wakeAt) return last;
      if (last.status === "skipped" && last.reason === "leased") {
        // Someone else is sending it (a worker, a duplicate run, a crashed one's lease): when the
        // lease ends the delivery is settled, scheduled, or ours to try.
        if (++leasedWaits > MAX_LEASED_WAITS) return last;
        await step.sleepUntil(`leased-${round}`, wakeAt);
        continue;
      }
      leasedWaits = 0;
      await step.sleepUntil(`backoff-${round}`, wakeAt);
    }
    return last;
  },
);

/**
 * When to try again, or null when this run is done: settled, or skipped for good (settled
 * elsewhere, endpoint disabled — re-enabling sends a fresh event).
 */
function nextWake(r: ProcessResult): string | null {
  if (r.status === "pending") return r.nextAttemptAt;
  if (r.status === "skipped" && (r.reason === "not_due" || r.reason === "leased")) {
    return r.nextAttemptAt ?? new Date(Date.now() + 1000).toISOString();
  }
  return null;
}
