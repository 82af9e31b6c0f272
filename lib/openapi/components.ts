import type { serializeAccount, serializeUser } from "@/lib/accounts/accounts";
import type { serializeApiKey } from "@/lib/api-keys/api-keys";
import { ERROR_STATUS, type ErrorCode } from "@/lib/api/errors";
import type { serializeConversion } from "@/lib/conversions/conversions";
import type { serializePartnership } from "@/lib/partnerships/partnerships";
import type { serializeProgram } from "@/lib/programs/programs";
import type { summarizeWebhooks, webhookTimeline } from "@/lib/webhooks/delivery-log";
import { EVENT_TYPES } from "@/lib/webhooks/events";
import { DELIVERY_STATUSES } from "@/lib/webhooks/schemas";
import type { SerializedDelivery, SerializedWebhook, serializeAttempt } from "@/lib/webhooks/serializers";
import { s, type JsonSchema } from "./json-schema";

// Response shapes, written against the serializers' return types: `satisfies Fields<…>` makes a
// field added to (or removed from) a serializer a compile error here until it is documented.

type Fields<T> = { [K in keyof T]-?: JsonSchema };

const webhookFields = {
  id: s.id("wh", "Endpoint id."),
  url: s.string("Where deliveries are POSTed.", { format: "uri" }),
  description: s.string("Your note about the endpoint (may be empty)."),
  events: s.array(s.enum(EVENT_TYPES), "The events it is subscribed to."),
  enabled: s.boolean("false while disabled (by you, by 410 Gone, or after failing for WEBHOOK_DISABLE_AFTER)."),
  disabledReason: s.nullable(s.string("Why it was disabled.")),
  failingSince: s.nullable(s.dateTime("Since when every delivery has failed: the first one that exhausted its retries after a success. null while healthy.")),
  disablesAt: s.nullable(s.dateTime("When it will be disabled unless a delivery succeeds first (failingSince + WEBHOOK_DISABLE_AFTER); null unless enabled and failing.")),
  lastError: s.nullable(s.string("The error of the newest delivery that exhausted its retries.")),
  createdAt: s.dateTime(),
  updatedAt: s.dateTime(),
  secretRotatedAt: s.nullable(s.dateTime("When the secret was last rotated.")),
  previousSecretExpiresAt: s.nullable(s.dateTime("Until then the previous secret still signs deliveries too.")),
  heldDeliveries: s.integer("Only in GET /api/webhooks/{id}: deliveries kept while the endpoint is disabled; sent when it is re-enabled."),
} satisfies Fields<SerializedWebhook>;

type SerializedAttempt = ReturnType<typeof serializeAttempt>;
const attemptFields = {
  number: s.integer("1, 2, 3 …; continues after a replay."),
  startedAt: s.dateTime(),
  durationMs: s.nullable(s.integer("Request-to-response time.")),
  statusCode: s.nullable(s.integer("The receiver's HTTP status; null when no answer (timeout, refused, SSRF block).")),
  error: s.nullable(s.string("Why the attempt failed without a status, e.g. a timeout.")),
  responseBodyExcerpt: s.nullable(s.string("The first 16 KiB of the receiver's response body.")),
  requestHeaders: s.nullable({ type: "object", additionalProperties: { type: "string" }, description: "The headers sent (signatures included)." }),
} satisfies Fields<SerializedAttempt>;

const deliveryFields = {
  id: s.id("dlv", "Delivery id: one event to one endpoint. Equal to the webhook-id header."),
  webhookId: s.id("wh"),
  eventId: s.id("evt"),
  event: s.enum(EVENT_TYPES),
  status: s.enum(DELIVERY_STATUSES),
  attemptCount: s.integer(),
  nextAttemptAt: s.nullable(s.dateTime("When the next attempt is due (pending only).")),
  lastStatusCode: s.nullable(s.integer()),
  lastError: s.nullable(s.string("Why the delivery ended without success, when known.")),
  test: s.boolean("true for test events."),
  createdAt: s.dateTime(),
  completedAt: s.nullable(s.dateTime()),
  payload: { description: "The delivery body exactly as sent: {event, data, timestamp}." },
  attempts: s.array(s.ref("DeliveryAttempt"), "Oldest first."),
} satisfies Fields<SerializedDelivery>;

const apiKeyFields = {
  id: s.id("key"),
  name: s.string(),
  prefix: s.string("The first characters of the key, to tell keys apart."),
  createdAt: s.dateTime(),
  lastUsedAt: s.nullable(s.dateTime()),
  revokedAt: s.nullable(s.dateTime()),
} satisfies Fields<ReturnType<typeof serializeApiKey>>;

const accountFields = {
  id: s.id("acct"),
  kind: s.enum(["advertiser", "affiliate"]),
  name: s.string(),
  createdAt: s.dateTime(),
} satisfies Fields<ReturnType<typeof serializeAccount>>;

const userFields = {
  id: s.id("usr"),
  email: s.string(undefined, { format: "email" }),
  name: s.string(),
  accountId: s.id("acct"),
  createdAt: s.dateTime(),
} satisfies Fields<ReturnType<typeof serializeUser>>;

const programFields = {
  id: s.id("prg"),
  advertiserId: s.id("acct", "The advertiser that owns the program."),
  name: s.string(),
  commissionRate: s.nullable(s.number("Percent, two decimals, e.g. 12.5.")),
  createdAt: s.dateTime(),
} satisfies Fields<ReturnType<typeof serializeProgram>>;

const partnershipFields = {
  id: s.id("ptn"),
  programId: s.id("prg"),
  advertiserId: s.id("acct"),
  affiliateId: s.id("acct"),
  status: s.enum(["pending", "approved", "rejected"]),
  createdAt: s.dateTime(),
} satisfies Fields<ReturnType<typeof serializePartnership>>;

const conversionFields = {
  id: s.id("conv"),
  programId: s.id("prg"),
  advertiserId: s.id("acct"),
  affiliateId: s.id("acct"),
  type: s.enum(["sale", "lead"]),
  amount: s.integer("Minor units (4999 = 49.99)."),
  currency: s.string("ISO 4217."),
  status: s.enum(["pending", "approved", "rejected"]),
  externalId: s.nullable(s.string()),
  rejectionReason: s.nullable(s.string()),
  createdAt: s.dateTime(),
  updatedAt: s.dateTime(),
} satisfies Fields<ReturnType<typeof serializeConversion>>;

type WebhookSummary = Awaited<ReturnType<typeof summarizeWebhooks>>[number];
const summaryFields = {
  webhookId: s.id("wh"),
  total: s.integer("Deliveries created in the past 24 h."),
  succeeded: s.integer(),
  failed: s.integer(),
  pending: s.integer(),
  successRate: s.nullable(s.number("succeeded / (succeeded + failed); null when none finished.")),
  lastDeliveryAt: s.nullable(s.dateTime("The newest delivery ever, even if older than 24 h.")),
  lastStatus: s.nullable(s.enum(DELIVERY_STATUSES)),
} satisfies Fields<WebhookSummary>;

type Timeline = Awaited<ReturnType<typeof webhookTimeline>>;
const timelineFields = {
  webhookId: s.id("wh"),
  hours: s.integer(),
  bucketSeconds: s.integer("3600 up to 48 h, 6 h up to a week, then a day."),
  buckets: s.array(
    s.object({
      bucketStart: s.dateTime(),
      succeeded: s.integer(),
      failed: s.integer(),
      pending: s.integer(),
      p50DurationMs: s.nullable(s.integer()),
      p95DurationMs: s.nullable(s.integer()),
    } satisfies Fields<Timeline["buckets"][number]>),
  ),
} satisfies Fields<Timeline>;

export const RESPONSE_SCHEMAS: Record<string, JsonSchema> = {
  Webhook: s.object(webhookFields, ["heldDeliveries"], "A webhook endpoint. Never contains its secret."),
  WebhookWithSecret: {
    allOf: [s.ref("Webhook"), s.object({ secret: s.string("The signing secret (`whsec_…`). Shown in this response only.") })],
  },
  RotatedSecret: s.object({
    secret: s.string("The new signing secret. Shown in this response only."),
    previousSecretExpiresAt: s.nullable(s.dateTime("Until then the old secret signs deliveries too; null with a grace period of 0.")),
    endedPreviousSecrets: s.integer(
      "Older secrets, still in an earlier rotation's grace period, that this rotation ended at once: at most two secrets are valid at any time.",
    ),
  }),
  Delivery: s.object(deliveryFields, [], "One event to one endpoint, with its attempts."),
  DeliveryAttempt: s.object(attemptFields),
  DeliveryPage: s.object({
    data: s.array(s.ref("Delivery"), "Newest first."),
    nextCursor: s.nullable(s.string("Pass as `cursor` for the next page; null on the last page.")),
  }),
  WebhookSummary: s.object(summaryFields),
  WebhookTimeline: s.object(timelineFields),
  ApiKey: s.object(apiKeyFields),
  NewApiKey: s.object({
    id: s.id("key"),
    name: s.string(),
    prefix: s.string(),
    key: s.string("The key itself. Shown in this response only: store it now."),
  }),
  Account: s.object(accountFields),
  User: s.object(userFields),
  Program: s.object(programFields),
  Partnership: s.object(partnershipFields),
  Conversion: s.object(conversionFields),
  Error: s.object(
    {
      error: s.object(
        {
          code: s.enum(Object.keys(ERROR_STATUS), "Stable machine-readable code; see the table in the docs."),
          message: s.string("A sentence for people; may change."),
          details: {
            description: "422: zod field errors `{ fieldErrors: { \"events.0\": [\"…\"] }, formErrors: [\"…\"] }`.",
          },
        },
        ["details"],
      ),
    },
    [],
    "The one error envelope of every JSON endpoint.",
  ),
};

export const isErrorCode = (code: string): code is ErrorCode => code in ERROR_STATUS;
/** Every error code, by status. */
export const ERROR_CODES: ErrorCode[] = Object.keys(ERROR_STATUS).filter(isErrorCode);

/** What each error code means in general; routes add their own situations. */
export const ERROR_DESCRIPTIONS: Record<ErrorCode, string> = {
  bad_request: "The body is not JSON (or not UTF-8), or a header such as Idempotency-Key is malformed.",
  unauthorized: "No credentials, or the wrong kind: a session where an API key is needed or the other way round; revoked key.",
  forbidden: "Authenticated but not allowed: e.g. an affiliate creating a program, or a cross-site request on a session endpoint.",
  not_found: "No such resource in your account (another account's resource is also 404, never 403).",
  conflict: "The state does not allow it: e.g. approving a conversion that is not pending, applying twice.",
  payload_too_large: "The request body is over 1 MiB.",
  unprocessable: "The body or query failed validation; `details.fieldErrors` says which field and why.",
  rate_limited: "Too many requests; wait for the Retry-After seconds.",
  internal: "Our fault. The message is generic; the cause is in our logs.",
};

export const SECURITY_SCHEMES = {
  sessionCookie: {
    type: "apiKey",
    in: "cookie",
    name: "authjs.session-token",
    description:
      "The dashboard session (next-auth JWT cookie; `__Secure-authjs.session-token` over HTTPS). Sign in through the dashboard. API keys are refused on these endpoints.",
  },
  bearerApiKey: {
    type: "http",
    scheme: "bearer",
    description: "`Authorization: Bearer <api key>`. Create keys in the dashboard under API keys.",
  },
  apiKeyHeader: {
    type: "apiKey",
    in: "header",
    name: "X-API-Key",
    description: "The same API key in an `X-API-Key` header, for clients that cannot set Authorization.",
  },
} as const;

export function errorResponse(code: ErrorCode, description?: string) {
  return {
    description: description ?? ERROR_DESCRIPTIONS[code],
    content: { "application/json": { schema: s.ref("Error") } },
    ...(code === "rate_limited"
      ? { headers: { "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" } } } }
      : {}),
  };
}
