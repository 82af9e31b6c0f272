import { z } from "zod";
import { buildDeliveryHeaders } from "@/lib/webhooks/signing";
import { EVENT_CATALOGUE, EVENT_TYPES, buildEventBody, type EventType } from "@/lib/webhooks/events";

// What a receiver gets, for the docs page and the OpenAPI `webhooks` section. Bodies are the
// catalogue samples run through buildEventBody and signed by the real signer, so the examples
// are exactly what the delivery code would send.

/** Who receives each event (API.md "Events and who receives them"). */
export const EVENT_RECIPIENTS: Record<EventType, { advertiser: string; affiliate: string }> = {
  "conversion.created": {
    advertiser: "the advertiser that owns the program (who registered the conversion)",
    affiliate: "the affiliate the conversion is credited to",
  },
  "conversion.approved": {
    advertiser: "the advertiser that owns the program (who approved it)",
    affiliate: "the affiliate the conversion is credited to",
  },
  "conversion.rejected": {
    advertiser: "the advertiser that owns the program (who rejected it)",
    affiliate: "the affiliate the conversion is credited to",
  },
  "partnership.created": {
    advertiser: "the advertiser that owns the program",
    affiliate: "the affiliate that applied",
  },
  // Operational events stay within the account whose endpoint it is, and skip that endpoint.
  "endpoint.failing": operationalRecipients(),
  "endpoint.disabled": operationalRecipients(),
  "endpoint.recovered": operationalRecipients(),
};

function operationalRecipients() {
  return {
    advertiser: "an advertiser's other endpoints, when it is one of its endpoints",
    affiliate: "an affiliate's other endpoints, when it is one of its endpoints (never the endpoint the event is about)",
  };
}

// The `data` of each event as zod schemas, turned into JSON Schema for the docs. The test
// checks every catalogue sample fits them exactly, so a new field cannot go undocumented.
const id = (prefix: string, what: string) => z.string().regex(new RegExp(`^${prefix}_[0-9a-z]+$`)).describe(what);
const conversionStatus = (status: "pending" | "approved" | "rejected") =>
  z.literal(status).describe(`Conversion status after the event: always "${status}" for this event.`);

const conversionData = (status: "pending" | "approved" | "rejected") =>
  z.object({
    id: id("conv", "Conversion id."),
    type: z.enum(["sale", "lead"]).describe("Kind of conversion."),
    amount: z.number().int().min(0).describe("Amount in minor units of `currency` (4999 = 49.99)."),
    status: conversionStatus(status),
    currency: z.string().regex(/^[A-Z]{3}$/).describe("ISO 4217 currency code."),
    programId: id("prg", "The program the conversion belongs to."),
    advertiserId: id("acct", "Account id of the program's advertiser."),
    affiliateId: id("acct", "Account id of the affiliate credited with the conversion."),
    externalId: z.string().nullable().describe("The advertiser's own reference (e.g. an order id), or null."),
    createdAt: z.iso.datetime().describe("When the conversion was registered."),
  });

const endpointData = <S extends string>(status: z.ZodType<S>) =>
  z.object({
    id: id("wh", "The endpoint the event is about."),
    type: z.literal("endpoint").describe('Always "endpoint".'),
    amount: z.null().describe("Always null."),
    status,
    url: z.string().describe("The endpoint's URL."),
    failingSince: z.iso.datetime().nullable().describe("When its current failing stretch began: the first delivery that exhausted its retries after a success; null when healthy."),
    disablesAt: z.iso.datetime().nullable().describe("When it will be disabled unless a delivery succeeds first (failingSince + WEBHOOK_DISABLE_AFTER); null otherwise."),
    lastError: z.string().nullable().describe("The error of the newest delivery that exhausted its retries."),
    disabledReason: z.string().nullable().describe("Why it was disabled; null unless disabled."),
  });

export const EVENT_DATA_SCHEMAS = {
  "conversion.created": conversionData("pending"),
  "conversion.approved": conversionData("approved"),
  "conversion.rejected": conversionData("rejected").extend({
    rejectionReason: z.string().nullable().describe("Why it was rejected, when the advertiser said."),
  }),
  "partnership.created": z.object({
    id: id("ptn", "Partnership id."),
    type: z.literal("partnership").describe('Always "partnership".'),
    amount: z.null().describe("Always null: a partnership has no amount."),
    status: z.enum(["pending", "approved", "rejected"]).describe('Partnership status; "pending" when just applied.'),
    programId: id("prg", "The program applied to."),
    advertiserId: id("acct", "Account id of the program's advertiser."),
    affiliateId: id("acct", "Account id of the affiliate that applied."),
    createdAt: z.iso.datetime().describe("When the affiliate applied."),
  }),
  "endpoint.failing": endpointData(z.literal("failing").describe('Always "failing".')).extend({
    stage: z
      .enum(["started", "disabling_soon"])
      .describe('"started": a delivery exhausted its retries after a success; "disabling_soon": failing for half the window, disabled at disablesAt unless a delivery succeeds.'),
  }),
  "endpoint.disabled": endpointData(z.literal("disabled").describe('Always "disabled".')),
  "endpoint.recovered": endpointData(z.literal("healthy").describe('Always "healthy": a delivery succeeded again.')),
} satisfies Record<EventType, z.ZodObject>;

export function eventBodySchema(event: EventType) {
  return z.object({
    event: z.literal(event).describe("The event name."),
    data: EVENT_DATA_SCHEMAS[event].describe(
      'The object the event is about: always `id`, `type`, `amount` and `status`; other fields are additive, so ignore the ones you do not know.',
    ),
    timestamp: z.iso.datetime().describe("When the event happened (ISO 8601, UTC)."),
  });
}

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

export { EVENT_TYPES };
