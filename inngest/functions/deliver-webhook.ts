import { deliveryHandOver, deliveryRequested, inngest } from "@/inngest/client";
import { deliveryConcurrency } from "@/lib/config";
import { processDelivery, type ProcessResult } from "@/lib/webhooks/delivery";
import { rescueDelivery } from "./rescue-delivery";

// The inngest engine: one run per requested delivery. Each attempt is its own step (so a
// finished attempt is never repeated when the run resumes), the backoff is a durable sleep
// until next_attempt_at, and the loop ends when the delivery succeeds or fails. What an
// attempt's outcome means is decided by the same state machine the embedded worker uses,
// including the endpoint options: a throttled delivery is put back due at its turn, and a FIFO
// delivery behind an earlier one is not sent; here the run sleeps until then and tries again.

// Enough rounds for every attempt of a budget plus a few "not yet due / leased" waits.
const MAX_ROUNDS = 25;
// Another worker or run holds the delivery: wait for its lease to end, this many times in a row.
const MAX_LEASED_WAITS = 5;
// Waits for the rate or for the deliveries ahead in a FIFO line are not failures: the run waits
// as long as it takes. Past this many (each is two steps; Inngest allows 1000 per run) it hands
// the delivery to a fresh run instead of ending, so the delivery is never left without one.
const MAX_LINE_WAITS = 400;

// The embedded worker's limits (lib/config.ts), declared when the function is defined: steps
// running at once per endpoint and per account. Sleeping runs hold no slot. The account's limit
// is shared by both functions (scope env, one key), so FIFO endpoints do not add to it.
const limits = deliveryConcurrency();
const perAccount = { scope: "env" as const, key: `"deliveries:" + event.data.accountId`, limit: limits.perAccount };

// Requests are routed by the endpoint's mode when they are sent (engine.ts): FIFO endpoints run
// one step at a time per endpoint, the others up to the per-endpoint limit.
export const deliverWebhook = inngest.createFunction(
  {
    id: "deliver-webhook",
    name: "Deliver a webhook",
    // Retries here only cover crashes of a step itself (say, the database was unreachable);
    // HTTP failures are retried by the state machine's own backoff.
    retries: 3,
    triggers: [{ event: deliveryRequested, if: "event.data.fifo != true" }],
    concurrency: [{ key: "event.data.webhookId", limit: limits.perEndpoint }, perAccount],
    // A run that dies in error is asked for once more (see rescue-delivery.ts).
    onFailure: rescueDelivery,
  },
  ({ event, step, runId }) => deliver(event.data, step, runId),
);

export const deliverWebhookFifo = inngest.createFunction(
  {
    id: "deliver-webhook-fifo",
    name: "Deliver a webhook (FIFO endpoint)",
    retries: 3,
    triggers: [{ event: deliveryRequested, if: "event.data.fifo == true" }],
    // One step at a time per endpoint; which delivery goes next is the state machine's line.
    concurrency: [{ key: "event.data.webhookId", limit: 1 }, perAccount],
    onFailure: rescueDelivery,
  },
  ({ event, step, runId }) => deliver(event.data, step, runId),
);

type RequestData = { deliveryId: string; webhookId: string; accountId: string; fifo?: boolean };
type Step = Parameters<Parameters<typeof inngest.createFunction>[1]>[0]["step"];

async function deliver(data: RequestData, step: Step, runId: string): Promise<ProcessResult | { status: "handed_over" } | undefined> {
  const { deliveryId } = data;
  const owner = `inngest:${runId}`;
  let last: ProcessResult | undefined;
  let leasedWaits = 0;
  let lineWaits = 0;
  for (let round = 1, counted = 1; counted <= MAX_ROUNDS; round++) {
    last = (await step.run(`attempt-${round}`, () => processDelivery(deliveryId, { owner }))) as ProcessResult;
    const wakeAt = nextWake(last);
    if (!wakeAt) return last;
    if (last.status === "skipped" && (last.reason === "throttled" || last.reason === "behind_earlier")) {
      if (++lineWaits > MAX_LINE_WAITS) {
        await step.sendEvent("hand-over", deliveryHandOver(data, runId));
        return { status: "handed_over" };
      }
      await step.sleepUntil(`${last.reason === "throttled" ? "throttled" : "behind"}-${round}`, wakeAt);
      continue;
    }
    counted++;
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
}

/**
 * When to try again, or null when this run is done: settled, or skipped for good (settled
 * elsewhere, endpoint disabled — re-enabling sends a fresh event).
 */
function nextWake(r: ProcessResult): string | null {
  if (r.status === "pending") return r.nextAttemptAt;
  if (r.status === "skipped" && (r.reason === "not_due" || r.reason === "leased" || r.reason === "throttled" || r.reason === "behind_earlier")) {
    return r.nextAttemptAt ?? new Date(Date.now() + 1000).toISOString();
  }
  return null;
}
