import { inngest } from "@/inngest/client";
import { processDelivery, type ProcessResult } from "@/lib/webhooks/delivery";
import { DELIVERY_REQUESTED } from "@/lib/webhooks/engine";

// The inngest engine: one run per requested delivery. Each attempt is its own step (so a
// finished attempt is never repeated when the run resumes), the backoff is a durable sleep
// until next_attempt_at, and the loop ends when the delivery succeeds or fails. What an
// attempt's outcome means is decided by the same state machine the embedded worker uses.

// Enough rounds for every attempt of a budget plus a few "not yet due / leased" waits.
const MAX_ROUNDS = 25;

export const deliverWebhook = inngest.createFunction(
  {
    id: "deliver-webhook",
    name: "Deliver a webhook",
    // Retries here only cover crashes of a step itself (say, the database was unreachable);
    // HTTP failures are retried by the state machine's own backoff.
    retries: 3,
    triggers: [{ event: DELIVERY_REQUESTED }],
  },
  async ({ event, step, runId }) => {
    const deliveryId = String(event.data.deliveryId);
    const owner = `inngest:${runId}`;
    let last: ProcessResult | undefined;
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      last = await step.run(`attempt-${round}`, () => processDelivery(deliveryId, { owner }));
      const wakeAt = nextWake(last);
      if (!wakeAt) return last;
      await step.sleepUntil(`backoff-${round}`, wakeAt);
    }
    return last;
  },
);

/**
 * When to try again, or null when this run is done: settled, or skipped for good (settled
 * elsewhere, endpoint disabled — re-enabling sends a fresh event — or another worker holds it).
 */
function nextWake(r: ProcessResult): string | null {
  if (r.status === "pending") return r.nextAttemptAt;
  if (r.status === "skipped" && r.reason === "not_due") return r.nextAttemptAt ?? null;
  return null;
}
