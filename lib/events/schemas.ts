import { z } from "zod";
import { clientDateTime } from "@/lib/api/date-time";
import { prefixedId, timestamp } from "@/lib/api/schemas";
import { eventType } from "@/lib/webhooks/events";
import { DELIVERY_STATUSES, deliveryResponse } from "@/lib/webhooks/schemas";

// Inputs and responses of the events API (GET /api/v1/events…, POST …/resend, and their
// dashboard twins under /api/events). Client-safe: zod only, so the dashboard's types come
// from here too.

export const MAX_EVENTS_PAGE = 100;
export const DEFAULT_EVENTS_PAGE = 20;

// `?type=` (empty) means "no filter", as a form with a blank select sends it.
const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

export const listEventsQuery = z
  .object({
    type: z.preprocess(blankToUndefined, eventType.optional()),
    after: z.preprocess(blankToUndefined, clientDateTime.optional().meta({ description: "Only events created after this instant (ISO 8601)." })),
    before: z.preprocess(blankToUndefined, clientDateTime.optional().meta({ description: "Only events created before this instant (ISO 8601)." })),
    deliveryStatus: z.preprocess(
      blankToUndefined,
      z
        .enum(DELIVERY_STATUSES, "deliveryStatus must be pending, succeeded or failed.")
        .optional()
        .meta({ description: "Only events for which at least one of your endpoints is in this status (its newest delivery of the event)." }),
    ),
    q: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .min(1)
        .max(200, "q can be at most 200 characters.")
        .optional()
        .meta({ description: "Search: an event id (`evt_…`), a delivery id (`dlv_…`, the webhook-id), the id of what the event is about (`conv_…`, `ptn_…`, `wh_…`) or a conversion's externalId. Exact match." }),
    ),
    limit: z.preprocess(
      blankToUndefined,
      z.coerce
        .number("limit must be a number.")
        .int("limit must be a whole number.")
        .min(1, "limit must be at least 1.")
        .max(MAX_EVENTS_PAGE, `limit can be at most ${MAX_EVENTS_PAGE}.`)
        .default(DEFAULT_EVENTS_PAGE),
    ),
    cursor: z.preprocess(blankToUndefined, z.string().max(200, "The cursor is not valid.").optional()),
  })
  .refine((v) => !v.after || !v.before || Date.parse(v.after) < Date.parse(v.before), {
    message: "after must be before before.",
    path: ["before"],
  });
export type ListEventsQuery = z.infer<typeof listEventsQuery>;

export const resendEventInput = z.strictObject({
  webhookId: z
    .string("webhookId must be an endpoint id (wh_…).")
    .min(1)
    .max(200)
    .optional()
    .meta({ description: "Only this endpoint (it must be subscribed to the event's type and enabled). Without it: every enabled endpoint subscribed to it." }),
});
export type ResendEventInput = z.infer<typeof resendEventInput>;

// --- Responses --------------------------------------------------------------------------------

export const eventEndpointSummary = z
  .object({
    webhookId: prefixedId("wh"),
    status: z.enum(DELIVERY_STATUSES).meta({ description: "The status of its newest delivery of this event." }),
    deliveryId: prefixedId("dlv", "Its newest delivery of this event (the webhook-id it was sent with)."),
    deliveries: z.number().int().min(1).meta({ description: "How many deliveries of this event it has had: more than one after a resend." }),
    attemptCount: z.number().int().meta({ description: "Attempts of the newest delivery." }),
    lastStatusCode: z.number().int().nullable().meta({ description: "The receiver's status at the newest delivery's last attempt." }),
    completedAt: timestamp.nullable().meta({ description: "When the newest delivery finished; null while pending." }),
  })
  .meta({ id: "EventEndpointSummary", description: "How one of your endpoints fared with an event." });

export const eventResponse = z
  .object({
    id: prefixedId("evt", "Event id."),
    type: eventType,
    test: z.boolean().meta({ description: "true for test events." }),
    createdAt: timestamp,
    payload: z.unknown().meta({ description: "The delivery body exactly as sent: {event, data, timestamp}." }),
    endpoints: z
      .array(eventEndpointSummary)
      .meta({ description: "One per endpoint of yours that got a delivery of it; empty when none was subscribed then." }),
  })
  .meta({ id: "Event", description: "An event your account received, with a per-endpoint delivery summary." });

export const eventPageResponse = z
  .object({
    data: z.array(eventResponse).meta({ description: "Newest first." }),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .meta({ id: "EventPage" });

export const eventWithDeliveriesResponse = eventResponse
  .extend({
    deliveries: z.array(deliveryResponse).meta({ description: "Every delivery of it to your endpoints, newest first, with their attempts." }),
  })
  .meta({ id: "EventWithDeliveries" });

export const resendEventResponse = z
  .object({
    eventId: prefixedId("evt"),
    deliveries: z
      .array(z.object({ id: prefixedId("dlv", "The new delivery: also the new webhook-id."), webhookId: prefixedId("wh") }))
      .meta({ description: "One new delivery per endpoint it was sent to." }),
  })
  .meta({ id: "ResentEvent" });
