import { eventType, Inngest } from "inngest";
import { z } from "zod";
import { DELIVERY_REQUESTED, deliveryRequestId, deliveryRescueId, type DeliveryRequestRow } from "@/lib/webhooks/engine";

// The Inngest client. It reads INNGEST_EVENT_KEY / INNGEST_SIGNING_KEY / INNGEST_DEV itself when
// it sends or serves, never at import, so `next build` and the embedded engine need none of them.
export const inngest = new Inngest({ id: "partnersmy-webhooks" });

/** "Send this delivery": validated on send and when a run starts; keys the concurrency limits. */
export const deliveryRequested = eventType(DELIVERY_REQUESTED, {
  schema: z.object({
    deliveryId: z.string().min(1),
    webhookId: z.string().min(1),
    accountId: z.string().min(1),
    /** The endpoint is in FIFO mode: the run goes to deliver-webhook-fifo (requests from before the option have none). */
    fifo: z.boolean().optional(),
  }),
});

/** The request event for one delivery, with the id that dedupes a second send of the same generation. */
export function deliveryRequest(r: DeliveryRequestRow) {
  return requestEvent(r, deliveryRequestId(r));
}

/** The one re-request after a run of this generation died in error (rescue-delivery.ts). */
export function deliveryRescue(r: DeliveryRequestRow) {
  return requestEvent(r, deliveryRescueId(r));
}

function requestEvent(r: DeliveryRequestRow, id: string) {
  return deliveryRequested.create(
    { deliveryId: r.id, webhookId: r.webhookId, accountId: r.accountId, fifo: r.fifo ?? false },
    { id },
  );
}

/** The same request again from a run that has waited long (deliver-webhook.ts): a new id, a new run. */
export function deliveryHandOver(data: z.infer<typeof deliveryRequested.schema>, fromRunId: string) {
  return deliveryRequested.create(data, { id: `${data.deliveryId}:handover:${fromRunId}` });
}
