import { z } from "zod";
import { clientDateTime } from "@/lib/api/date-time";
import { listOf, prefixedId, timestamp } from "@/lib/api/schemas";
import { EVENT_BODY_SCHEMAS, EVENT_TYPES, eventType } from "./events";
import { disableReasonCauseSchema, failureCauseSchema } from "./failure-causes";

// Inputs and responses of the webhook management endpoints. The dashboard forms import these same schemas,
// so this file stays client-safe: zod and the event catalogue only. Checks that need the
// server (production-only address rules, see lib/webhooks/ssrf.ts) run in lib/webhooks/webhooks.ts.

export const MAX_WEBHOOKS_PER_ACCOUNT = 50;
export const MAX_URL_LENGTH = 2048;
export const MAX_GRACE_PERIOD_SECONDS = 7 * 24 * 60 * 60;
export const DEFAULT_GRACE_PERIOD_SECONDS = 24 * 60 * 60;
export const DELIVERY_STATUSES = ["pending", "succeeded", "failed"] as const;

/** An absolute http(s) URL without credentials in it. */
export const webhookUrl = z
  .string("Enter the URL of your endpoint.")
  .trim()
  .min(1, "Enter the URL of your endpoint.")
  .max(MAX_URL_LENGTH, `Use a URL of at most ${MAX_URL_LENGTH} characters.`)
  .superRefine((value, ctx) => {
    const problem = describeUrlProblem(value);
    // `params.reason` names the problem for the dashboard, which words it in the user's language.
    if (problem) ctx.addIssue({ code: "custom", message: URL_PROBLEMS[problem], params: { reason: problem } });
  });

// Control characters are refused, not dropped: the URL parser deletes tabs and line breaks
// anywhere in a URL, so "https://hooks.exa<TAB>mple.com" would be called as hooks.example.com
// while the dashboard showed the text as typed. Such a URL is a paste mistake to point out,
// not to guess at. (Leading and trailing whitespace is trimmed above, as in any form field.)
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

export const URL_PROBLEMS = {
  controlCharacters: "Remove the control characters (tabs, line breaks) from the URL.",
  notAbsolute: "Enter an absolute URL, e.g. https://example.com/webhooks.",
  scheme: "The URL must start with https:// or http://.",
  noHost: "The URL must name a host.",
  credentials: "Leave credentials out of the URL; verify the signature instead.",
} as const;
export type UrlProblem = keyof typeof URL_PROBLEMS;

function describeUrlProblem(value: string): UrlProblem | null {
  if (CONTROL_CHARACTER.test(value)) return "controlCharacters";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "notAbsolute";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "scheme";
  if (!url.hostname) return "noHost";
  if (url.username || url.password) return "credentials";
  return null;
}

const eventList = z
  .array(eventType, `Choose at least one of: ${EVENT_TYPES.join(", ")}.`)
  .min(1, "Subscribe to at least one event.")
  .transform((list) => [...new Set(list)]);

// --- Endpoint options (issue 13) ---------------------------------------------------------------

export const MAX_CUSTOM_HEADERS = 20;
export const MAX_HEADER_NAME_LENGTH = 100;
export const MAX_HEADER_VALUE_LENGTH = 1024;
export const MAX_RATE_LIMIT_PER_SECOND = 1000;
export const MAX_PROGRAM_FILTERS = 100;
/** What GET/list/PATCH show instead of a custom header's value (values are secrets). */
export const MASKED_HEADER_VALUE = "********";

// Headers every delivery carries, set by us: a custom header may not replace them (nor the
// framing headers Node.js sets). Compared lower-cased; `webhook-*` and `x-webhook-*` are ours too.
export const RESERVED_HEADERS = [
  "content-type",
  "content-length",
  "content-encoding",
  "transfer-encoding",
  "user-agent",
  "host",
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "expect",
] as const;
const RESERVED_HEADER_PREFIXES = ["webhook-", "x-webhook-"] as const;

/** Why a custom header name may not be used, or null. */
export function reservedHeaderProblem(name: string): string | null {
  const lower = name.toLowerCase();
  if ((RESERVED_HEADERS as readonly string[]).includes(lower) || RESERVED_HEADER_PREFIXES.some((p) => lower.startsWith(p))) {
    return `The header ${name} is set by PartnersMy on every delivery and cannot be overridden.`;
  }
  return null;
}

export const HEADER_PROBLEMS = ["tooMany", "nameLength", "nameChars", "reserved", "duplicate", "valueLength", "valueChars", "valueEmpty"] as const;
export type HeaderProblem = (typeof HEADER_PROBLEMS)[number];

// RFC 9110 token characters; a value is visible ASCII, spaces and tabs (never CR, LF or NUL).
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

/** `headers` on create: name → value. On PATCH a value may be null: keep the stored one. */
function headerMap<V extends z.ZodType<string | null>>(value: V) {
  return z
    .record(z.string(), value, "headers must be an object of header name → value.")
    .superRefine((headers, ctx) => {
      const names = Object.keys(headers);
      const seen = new Set<string>();
      // `reason` lets the dashboard word each problem in the reader's language.
      const issue = (reason: HeaderProblem, message: string, name?: string) =>
        ctx.addIssue({ code: "custom", message, params: { reason }, ...(name === undefined ? {} : { path: [name] }) });
      if (names.length > MAX_CUSTOM_HEADERS) issue("tooMany", `Use at most ${MAX_CUSTOM_HEADERS} custom headers.`);
      for (const name of names) {
        const reserved = reservedHeaderProblem(name);
        const problem: [HeaderProblem, string] | null =
          name.length === 0 || name.length > MAX_HEADER_NAME_LENGTH
            ? ["nameLength", `A header name has 1 to ${MAX_HEADER_NAME_LENGTH} characters.`]
            : !HEADER_NAME.test(name)
              ? ["nameChars", `The header name ${JSON.stringify(name)} may only contain letters, digits and ! # $ % & ' * + - . ^ _ \` | ~.`]
              : reserved
                ? ["reserved", reserved]
                : seen.has(name.toLowerCase())
                  ? ["duplicate", `The header ${name} is given twice (names are case-insensitive).`]
                  : null;
        seen.add(name.toLowerCase());
        if (problem) {
          issue(problem[0], problem[1], name);
          continue;
        }
        const v = headers[name];
        if (typeof v !== "string") continue;
        if (v.length > MAX_HEADER_VALUE_LENGTH) {
          issue("valueLength", `Keep the value of ${name} under ${MAX_HEADER_VALUE_LENGTH} characters.`, name);
        } else if (!HEADER_VALUE.test(v)) {
          issue("valueChars", `The value of ${name} may only contain printable ASCII characters (no line breaks).`, name);
        } else if (v.trim() === "") {
          issue("valueEmpty", `Give ${name} a value.`, name);
        }
      }
    });
}

const headerValue = z.string(`A header value must be a string.`);

export const rateLimitPerSecond = z
  .number("rateLimitPerSecond must be a number of deliveries per second, or null for no limit.")
  .int("rateLimitPerSecond must be a whole number.")
  .min(1, "rateLimitPerSecond must be at least 1 (or null for no limit).")
  .max(MAX_RATE_LIMIT_PER_SECOND, `rateLimitPerSecond can be at most ${MAX_RATE_LIMIT_PER_SECOND}.`)
  .nullable();

const programIdList = z
  .array(z.string().min(1, "A program id cannot be empty.").max(100), "programIds must be a list of program ids, or null for all.")
  .min(1, "Give at least one program id, or null for every program.")
  .max(MAX_PROGRAM_FILTERS, `Filter on at most ${MAX_PROGRAM_FILTERS} programs.`)
  .transform((list) => [...new Set(list)])
  .nullable();

const HEADERS_INPUT_DOC = `Custom headers sent with every delivery, name → value (at most ${MAX_CUSTOM_HEADERS}; the headers PartnersMy sets cannot be overridden). Values are stored encrypted.`;

const webhookFields = {
  url: webhookUrl,
  events: eventList,
  description: z.string().trim().max(500, "Keep the description under 500 characters."),
  enabled: z.boolean(),
  headers: headerMap(headerValue).meta({ description: HEADERS_INPUT_DOC }),
  rateLimitPerSecond: rateLimitPerSecond.meta({
    description: `At most this many deliveries per second (1–${MAX_RATE_LIMIT_PER_SECOND}), across every worker; null: no limit. Deliveries over the rate wait; none is failed.`,
  }),
  fifo: z.boolean("fifo must be true or false.").meta({
    description: "Ordered delivery: one at a time, in event order; a delivery that fails for good lets the next go.",
  }),
  programIds: programIdList.meta({
    description: "Only events of these programs (an advertiser's own, or those an affiliate applied to); null: every program.",
  }),
};

export const createWebhookInput = z.strictObject({
  ...webhookFields,
  description: webhookFields.description.default(""),
  enabled: webhookFields.enabled.default(true),
  headers: webhookFields.headers.default({}),
  rateLimitPerSecond: webhookFields.rateLimitPerSecond.default(null),
  fifo: webhookFields.fifo.default(false),
  programIds: webhookFields.programIds.default(null),
});
export type CreateWebhookInput = z.infer<typeof createWebhookInput>;

// PATCH: any subset of the create fields, plus `discardHeld`. Built from the create fields made
// partial WITHOUT their defaults: in zod 4 `createWebhookInput.partial()` still fills defaults
// in, so `{ description: "x" }` would come out with `enabled: true` and re-enable the endpoint.
//
// Re-enabling sends the deliveries held while the endpoint was disabled; `{ enabled: true,
// discardHeld: true }` marks them failed instead (replay or retry-failed can still send them).
// The dashboard learns how many are held from `heldDeliveries` in GET /api/webhooks/:id and
// asks before re-enabling.
export const updateWebhookInput = z
  .strictObject({
    ...z.strictObject(webhookFields).partial().shape,
    // The whole set of custom headers: a name left out is removed; a null value keeps the stored one.
    headers: headerMap(headerValue.nullable())
      .meta({ description: `${HEADERS_INPUT_DOC} The whole set: a name left out is removed; a null value keeps the stored one.` })
      .optional(),
    discardHeld: z.boolean().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), "Change at least one field.")
  .refine((v) => !v.discardHeld || v.enabled === true, {
    message: "discardHeld only applies when re-enabling the endpoint (enabled: true).",
    path: ["discardHeld"],
  });
export type UpdateWebhookInput = z.infer<typeof updateWebhookInput>;

export const rotateSecretInput = z.strictObject({
  gracePeriodSeconds: z
    .number("gracePeriodSeconds must be a number of seconds.")
    .int("gracePeriodSeconds must be a whole number of seconds.")
    .min(0, "gracePeriodSeconds cannot be negative.")
    .max(MAX_GRACE_PERIOD_SECONDS, `gracePeriodSeconds can be at most ${MAX_GRACE_PERIOD_SECONDS} (7 days).`)
    .default(DEFAULT_GRACE_PERIOD_SECONDS),
});
export type RotateSecretInput = z.infer<typeof rotateSecretInput>;

// Query strings: `?status=` (empty) means "no filter", as a form with a blank select sends it.
const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

export const listDeliveriesQuery = z.object({
  status: z.preprocess(blankToUndefined, z.enum(DELIVERY_STATUSES, "status must be pending, succeeded or failed.").optional()),
  event: z.preprocess(blankToUndefined, eventType.optional()),
  limit: z.preprocess(
    blankToUndefined,
    z.coerce
      .number("limit must be a number.")
      .int("limit must be a whole number.")
      .min(1, "limit must be at least 1.")
      .max(100, "limit can be at most 100.")
      .default(20),
  ),
  cursor: z.preprocess(blankToUndefined, z.string().max(200, "The cursor is not valid.").optional()),
});
export type ListDeliveriesQuery = z.infer<typeof listDeliveriesQuery>;

export const retryFailedInput = z
  .strictObject({
    webhookId: z.string().min(1).max(100).optional(),
    since: clientDateTime.optional(),
    until: clientDateTime.optional(),
  })
  .refine((v) => !v.since || !v.until || !(Date.parse(v.since) >= Date.parse(v.until)), {
    message: "since must be before until.",
    path: ["until"],
  });
export type RetryFailedInput = z.infer<typeof retryFailedInput>;

export const MIN_STATS_HOURS = 24;
export const MAX_STATS_HOURS = 720;

export const webhookStatsQuery = z.object({
  hours: z.preprocess(
    blankToUndefined,
    z.coerce
      .number("hours must be a number.")
      .int("hours must be a whole number.")
      .min(MIN_STATS_HOURS, `hours must be at least ${MIN_STATS_HOURS}.`)
      .max(MAX_STATS_HOURS, `hours can be at most ${MAX_STATS_HOURS}.`)
      .default(MIN_STATS_HOURS),
  ),
});
export type WebhookStatsQuery = z.infer<typeof webhookStatsQuery>;

// --- Responses --------------------------------------------------------------------------------
// The one description of each response shape: serializers return `z.input` of these, the
// dashboard's types are `z.infer` of them, and /api/openapi.json is generated from them. A field
// added here is a compile error in the serializer until it is filled, and documented at once.

export const webhookResponse = z
  .object({
    id: prefixedId("wh", "Endpoint id."),
    url: z.string().meta({ description: "Where deliveries are POSTed.", format: "uri" }),
    description: z.string().meta({ description: "Your note about the endpoint (may be empty)." }),
    events: z.array(eventType).meta({ description: "The events it is subscribed to." }),
    enabled: z.boolean().meta({ description: "false while disabled (by you, by 410 Gone, or after failing for WEBHOOK_DISABLE_AFTER)." }),
    disabledReason: z.string().nullable().meta({ description: "Why it was disabled." }),
    disabledReasonCause: disableReasonCauseSchema
      .nullable()
      .meta({ description: "disabledReason as a stable code with its parameters; null while enabled (and for reasons recorded before codes)." }),
    failingSince: timestamp.nullable().meta({
      description: "Since when every delivery has failed: the first one that exhausted its retries after a success. null while healthy.",
    }),
    disablesAt: timestamp.nullable().meta({
      description:
        "When it will be disabled unless a delivery succeeds first (failingSince + WEBHOOK_DISABLE_AFTER); null unless enabled and failing.",
    }),
    lastError: z.string().nullable().meta({ description: "The error of the newest delivery that exhausted its retries." }),
    lastErrorCause: failureCauseSchema
      .nullable()
      .meta({ description: "lastError as a stable code with its parameters; null when there is none (or it was recorded before codes)." }),
    createdAt: timestamp,
    updatedAt: timestamp,
    secretRotatedAt: timestamp.nullable().meta({ description: "When the secret was last rotated." }),
    previousSecretExpiresAt: timestamp
      .nullable()
      .meta({ description: "Until then the previous secret still signs deliveries too." }),
    headers: z.record(z.string(), z.string()).meta({
      description: `Custom headers sent with every delivery. Values are shown as "${MASKED_HEADER_VALUE}" except in the create response.`,
    }),
    rateLimitPerSecond: z
      .number()
      .int()
      .nullable()
      .meta({ description: "At most this many deliveries per second to this endpoint (across every worker); null: no limit. Deliveries over the rate wait." }),
    fifo: z.boolean().meta({
      description:
        "Ordered delivery: one delivery at a time, in event order. A delivery waits while an earlier one is pending (retries included); one that fails for good lets the next go.",
    }),
    programIds: z
      .array(prefixedId("prg"))
      .nullable()
      .meta({ description: "Only events of these programs are delivered (operational endpoint.* events always are); null: every program." }),
    heldDeliveries: z
      .number()
      .int()
      .optional()
      .meta({
        description:
          "Only in GET, PATCH /api/webhooks/{id}: deliveries kept while the endpoint is disabled; sent when it is re-enabled.",
      }),
  })
  .meta({ id: "Webhook", description: "A webhook endpoint. Never contains its secret." });

export const createdWebhookResponse = webhookResponse
  .extend({ secret: z.string().meta({ description: "The signing secret (`whsec_…`). Shown in this response only." }) })
  .meta({ id: "WebhookWithSecret", description: "The new endpoint, with its signing secret." });

export const rotatedSecretResponse = z
  .object({
    secret: z.string().meta({ description: "The new signing secret. Shown in this response only." }),
    previousSecretExpiresAt: timestamp.nullable().meta({
      description: "Until then the old secret signs deliveries too; null with a grace period of 0.",
    }),
    endedPreviousSecrets: z.number().int().min(0).meta({
      description:
        "Older secrets, still in an earlier rotation's grace period, that this rotation ended at once: at most two secrets are valid at any time.",
    }),
  })
  .meta({ id: "RotatedSecret" });

export const deliveryAttemptResponse = z
  .object({
    number: z.number().int().meta({ description: "1, 2, 3 …; continues after a replay." }),
    startedAt: timestamp,
    // Always recorded (the column is NOT NULL): a timeout or a refused connection also took time.
    durationMs: z.number().int().meta({ description: "Request-to-response time (to the failure, when there was no answer)." }),
    statusCode: z
      .number()
      .int()
      .nullable()
      .meta({ description: "The receiver's HTTP status; null when no answer (timeout, refused, SSRF block)." }),
    error: z.string().nullable().meta({ description: "Why the attempt failed, in English, e.g. a timeout." }),
    errorCause: failureCauseSchema
      .nullable()
      .meta({ description: "error as a stable code with its parameters; null on success (and for errors recorded before codes)." }),
    responseBodyExcerpt: z.string().nullable().meta({ description: "The first 16 KiB of the receiver's response body." }),
    requestHeaders: z.record(z.string(), z.string()).meta({ description: "The headers sent (signatures included)." }),
  })
  .meta({ id: "DeliveryAttempt" });

/** Why a pending delivery waits (endpoint options and disabled endpoints; see deliveryResponse). */
export const WAIT_REASONS = ["throttled", "behind_earlier", "endpoint_disabled"] as const;
export type WaitReason = (typeof WAIT_REASONS)[number];

export const deliveryResponse = z
  .object({
    id: prefixedId("dlv", "Delivery id: one event to one endpoint. Equal to the webhook-id header."),
    webhookId: prefixedId("wh"),
    eventId: prefixedId("evt"),
    event: eventType,
    status: z.enum(DELIVERY_STATUSES),
    attemptCount: z.number().int(),
    nextAttemptAt: timestamp.nullable().meta({ description: "When the next attempt is due (pending only)." }),
    waitReason: z.enum(WAIT_REASONS).nullable().meta({
      description:
        "Why a pending delivery is waiting: `throttled` (its endpoint's rateLimitPerSecond; it goes at nextAttemptAt), `behind_earlier` (FIFO endpoint: an earlier delivery is still pending, retries included), `endpoint_disabled` (held until the endpoint is enabled). null: not waiting for any of these (due, in flight, or waiting for its retry at nextAttemptAt).",
    }),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable().meta({ description: "Why the delivery ended without being sent, when known." }),
    lastErrorCause: failureCauseSchema.nullable().meta({ description: "lastError as a stable code with its parameters." }),
    test: z.boolean().meta({ description: "true for test events." }),
    createdAt: timestamp,
    completedAt: timestamp.nullable(),
    payload: z.unknown().meta({ description: "The delivery body exactly as sent: {event, data, timestamp}." }),
    attempts: z.array(deliveryAttemptResponse).meta({ description: "Oldest first." }),
  })
  .meta({ id: "Delivery", description: "One event to one endpoint, with its attempts." });

export const deliveryPageResponse = z
  .object({
    data: z.array(deliveryResponse).meta({ description: "Newest first." }),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .meta({ id: "DeliveryPage" });

export const replayResponse = z.object({ delivery: deliveryResponse });

export const retryFailedResponse = z.object({ count: z.number().int() });

export const webhookSummaryResponse = z
  .object({
    webhookId: prefixedId("wh"),
    total: z.number().int().meta({ description: "Deliveries created in the past 24 h." }),
    succeeded: z.number().int(),
    failed: z.number().int(),
    pending: z.number().int(),
    successRate: z.number().nullable().meta({ description: "succeeded / (succeeded + failed); null when none finished." }),
    lastDeliveryAt: timestamp.nullable().meta({ description: "The newest delivery ever, even if older than 24 h." }),
    lastStatus: z.enum(DELIVERY_STATUSES).nullable(),
  })
  .meta({ id: "WebhookSummary" });

export const webhookSummaryList = listOf(webhookSummaryResponse, "One per endpoint.");

export const statsBucketResponse = z.object({
  bucketStart: timestamp,
  succeeded: z.number().int(),
  failed: z.number().int(),
  pending: z.number().int(),
  p50DurationMs: z.number().int().nullable(),
  p95DurationMs: z.number().int().nullable(),
});

export const webhookTimelineResponse = z
  .object({
    webhookId: prefixedId("wh"),
    hours: z.number().int(),
    bucketSeconds: z.number().int().meta({ description: "3600 up to 48 h, 6 h up to a week, then a day." }),
    buckets: z.array(statsBucketResponse),
  })
  .meta({ id: "WebhookTimeline" });

export const webhookList = listOf(webhookResponse, "The account's endpoints.");

export const testEventResponse = z
  .object({
    payload: EVENT_BODY_SCHEMAS["conversion.created"],
    deliveries: z
      .array(z.object({ id: prefixedId("dlv"), webhookId: prefixedId("wh") }))
      .meta({ description: "One per endpoint it was sent to." }),
  })
  .meta({ id: "TestEventResult" });

export const eventTypeResponse = z
  .object({
    name: eventType,
    description: z.string(),
    schema: z.record(z.string(), z.unknown()).meta({ description: "JSON Schema (2020-12) of the delivery body." }),
    sample: z.unknown().meta({ description: "A delivery body exactly as we would send it." }),
  })
  .meta({ id: "EventType" });

export const eventTypeList = listOf(eventTypeResponse, "Every event type, in catalogue order.");
