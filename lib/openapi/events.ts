import { buildDeliveryHeaders } from "@/lib/webhooks/signing";
import { EVENT_CATALOGUE, buildEventBody, type EventType } from "@/lib/webhooks/events";

// What a receiver gets, for the docs page, /api/v1/event-types and the OpenAPI `webhooks`
// section. Bodies are the catalogue samples run through buildEventBody and signed by the real
// signer, so the examples are exactly what the delivery code would send.

/** Example secrets (SHA-256 of a phrase, shaped like real ones): never valid for any endpoint. */
export const SAMPLE_SECRET = "whsec_/B9899DR4c32N8nuqhxEu10svJ8PtGVzrpbaKOvSDJg=";
/** A second secret, to show a delivery signed during a rotation grace period. */
export const SAMPLE_NEW_SECRET = "whsec_r93P59VVmLz0oiG+yX/xlOiwI/zi97M5zIE8cpooqxs=";
export const SAMPLE_DELIVERY_ID = "dlv_5n8b2v4c6x1z3l7k9j0h";
const SAMPLE_EVENT_TIME = new Date("2026-01-15T10:30:00.000Z");
const SAMPLE_SENT_AT = Math.floor(Date.parse("2026-01-15T10:30:01.000Z") / 1000);

export interface SampleDelivery {
  event: EventType;
  body: string;
  headers: Record<string, string>;
}

/** One delivery of `event` exactly as sent: body bytes and every header, signed with the sample secret(s). */
export function sampleDelivery(event: EventType, secrets: string[] = [SAMPLE_SECRET]): SampleDelivery {
  const body = buildEventBody(event, EVENT_CATALOGUE[event].sample, SAMPLE_EVENT_TIME);
  const headers = buildDeliveryHeaders({
    deliveryId: SAMPLE_DELIVERY_ID,
    eventType: event,
    attemptNumber: 1,
    body,
    secrets,
    timestamp: SAMPLE_SENT_AT,
  });
  return { event, body, headers };
}

/** Every header of a delivery, in the order the docs list them, with what it means. */
export const DELIVERY_HEADER_DOCS: ReadonlyArray<{ name: string; description: string }> = [
  { name: "Content-Type", description: "Always application/json; the body is UTF-8 JSON." },
  { name: "User-Agent", description: "Names the sender, so you can recognise our requests in your logs." },
  {
    name: "X-Webhook-Signature",
    description:
      "`t=<unix seconds>,v1=<hex HMAC-SHA256>` over `<t>.<raw body>`, keyed with your `whsec_…` secret string as is. One `v1=` per valid secret (newest first) during a rotation.",
  },
  { name: "X-Webhook-Event", description: "The event name, the same as `event` in the body." },
  { name: "X-Webhook-Delivery", description: "The delivery id (`dlv_…`): one event to one endpoint. The same on every retry and replay." },
  { name: "X-Webhook-Attempt", description: "1 for the first attempt, then 2, 3 …; numbering continues after a replay." },
  {
    name: "webhook-id",
    description: "Standard Webhooks message id: equal to X-Webhook-Delivery, stable across retries and replays. Deduplicate on it.",
  },
  { name: "webhook-timestamp", description: "Standard Webhooks: when this attempt was signed (unix seconds); the same as `t=`." },
  {
    name: "webhook-signature",
    description:
      "Standard Webhooks: `v1,<base64 HMAC-SHA256>` over `<webhook-id>.<webhook-timestamp>.<raw body>`, keyed with the base64-decoded part after `whsec_`. Space-separated, one per valid secret.",
  },
];

