import { z } from "zod";
import { signupInput, signupResponse } from "@/lib/accounts/schemas";
import { apiKeyList, createApiKeyInput, createdApiKeyResponse } from "@/lib/api-keys/schemas";
import type { ErrorCode } from "@/lib/api/errors";
import { conversionResponse, createConversionInput, rejectConversionInput } from "@/lib/conversions/schemas";
import { eventPageResponse, eventWithDeliveriesResponse, listEventsQuery, resendEventInput, resendEventResponse } from "@/lib/events/schemas";
import { partnershipResponse } from "@/lib/partnerships/schemas";
import { createProgramInput, listProgramsQuery, programList, programResponse } from "@/lib/programs/schemas";
import { cliListenerList, eventStreamQuery, triggerEventInput, triggerEventResponse } from "@/lib/cli/schemas";
import { EVENT_TYPES, type EventType } from "@/lib/webhooks/events";
import {
  createWebhookInput,
  createdWebhookResponse,
  deliveryPageResponse,
  eventTypeList,
  listDeliveriesQuery,
  replayResponse,
  retryFailedInput,
  retryFailedResponse,
  rotateSecretInput,
  rotatedSecretResponse,
  testEventResponse,
  updateWebhookInput,
  webhookList,
  webhookResponse,
  webhookStatsQuery,
  webhookSummaryList,
  webhookTimelineResponse,
} from "@/lib/webhooks/schemas";
import { sendTestEventInput } from "@/lib/webhooks/test-event";

// THE list of HTTP operations the docs and /api/openapi.json describe: each route's metadata
// (summary, auth, errors) next to the zod schemas it parses and answers with. One entry per
// exported method of an app/api/**/route.ts (next-auth's and Inngest's excepted);
// document.test.ts walks the filesystem and fails when a route is missing here or an entry has
// no route, and e2e/api/contract.spec.ts calls each one and checks its answers against these.

export type Auth = "public" | "session" | "apiKey";
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RouteDoc {
  method: Method;
  /** OpenAPI path template, e.g. /api/webhooks/{id}. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  auth: Auth;
  /** Path parameters by name → description (all strings). */
  pathParams?: Record<string, string>;
  /** The zod schema the route parses its query string with. */
  query?: z.ZodObject;
  /** The zod schema the route parses its JSON body with. */
  body?: z.ZodType;
  /** An example request body; the test checks it passes the body schema. */
  example?: unknown;
  idempotent?: boolean;
  success: { status: number; description: string; schema?: z.ZodType };
  /** Errors particular to this route, beyond those implied by auth, body and query. */
  errors?: Partial<Record<ErrorCode, string>>;
  emits?: EventType[];
}

const webhookId = { id: "Endpoint id (`wh_…`)." };

const healthResponse = z.object({
  ok: z.literal(true),
  database: z.enum(["postgres", "pglite"]),
  engine: z.enum(["embedded", "inngest"]),
});
const openApiDocumentResponse = z.looseObject({ openapi: z.string() });

export const ROUTES: RouteDoc[] = [
  // Meta
  {
    method: "GET",
    path: "/api/health",
    operationId: "getHealth",
    tag: "Meta",
    summary: "Health check",
    description: "The database answers; says which database driver and delivery engine run. For load balancers.",
    auth: "public",
    success: {
      status: 200,
      description: "Healthy.",
      schema: healthResponse,
    },
  },
  {
    method: "GET",
    path: "/api/openapi.json",
    operationId: "getOpenApiDocument",
    tag: "Meta",
    summary: "This OpenAPI 3.1 document",
    auth: "public",
    success: { status: 200, description: "The OpenAPI document.", schema: openApiDocumentResponse },
  },

  // Account (public sign-up; sign-in is next-auth's credentials flow)
  {
    method: "POST",
    path: "/api/signup",
    operationId: "signUp",
    tag: "Account",
    summary: "Sign up",
    description:
      "Creates a person and the account they own, of one kind: advertiser or affiliate. Then sign in through the dashboard (next-auth credentials flow: GET /api/auth/csrf, POST /api/auth/callback/credentials) to get the session cookie.",
    auth: "public",
    body: signupInput,
    example: { email: "dev@example.com", password: "correct horse battery", name: "Ada", accountName: "Acme Shoes", accountKind: "advertiser" },
    success: { status: 201, description: "Created.", schema: signupResponse },
    errors: {
      conflict: "An account with this email already exists.",
      rate_limited: "Too many sign-ups from this address; wait for Retry-After seconds.",
    },
  },

  // API keys (dashboard session)
  {
    method: "GET",
    path: "/api/api-keys",
    operationId: "listApiKeys",
    tag: "API keys",
    summary: "List API keys",
    description: "The account's keys, revoked ones included. Never the keys themselves.",
    auth: "session",
    success: { status: 200, description: "The keys.", schema: apiKeyList },
  },
  {
    method: "POST",
    path: "/api/api-keys",
    operationId: "createApiKey",
    tag: "API keys",
    summary: "Create an API key",
    description: "`key` is in this response only; we store a hash.",
    auth: "session",
    body: createApiKeyInput,
    example: { name: "Production server" },
    success: { status: 201, description: "Created.", schema: createdApiKeyResponse },
    errors: {
      conflict: "The account already has the most active API keys allowed (`details.maxActiveKeys`, default 20); revoke one first.",
    },
  },
  {
    method: "DELETE",
    path: "/api/api-keys/{id}",
    operationId: "revokeApiKey",
    tag: "API keys",
    summary: "Revoke an API key",
    description: "The key stops working at once.",
    auth: "session",
    pathParams: { id: "API key id (`key_…`)." },
    success: { status: 204, description: "Revoked." },
    errors: { not_found: "No such key in your account." },
  },

  // Webhook endpoints (dashboard session)
  {
    method: "GET",
    path: "/api/webhooks",
    operationId: "listWebhooks",
    tag: "Webhooks",
    summary: "List webhook endpoints",
    auth: "session",
    success: { status: 200, description: "The account's endpoints (never a secret).", schema: webhookList },
  },
  {
    method: "POST",
    path: "/api/webhooks",
    operationId: "createWebhook",
    tag: "Webhooks",
    summary: "Create a webhook endpoint",
    description:
      "`url` must be absolute http(s), without credentials; in production https only and never a private, loopback, link-local or metadata address. The signing `secret` is in this response only.",
    auth: "session",
    body: createWebhookInput,
    example: { url: "https://example.com/webhooks/partnersmy", events: ["conversion.created", "conversion.approved"], description: "Orders service" },
    success: { status: 201, description: "Created, with its secret.", schema: createdWebhookResponse },
    errors: { conflict: "The account already has the maximum number of endpoints (50)." },
  },
  {
    method: "GET",
    path: "/api/webhooks/{id}",
    operationId: "getWebhook",
    tag: "Webhooks",
    summary: "Get a webhook endpoint",
    description: "Includes `heldDeliveries`: how many deliveries are kept while the endpoint is disabled.",
    auth: "session",
    pathParams: webhookId,
    success: { status: 200, description: "The endpoint.", schema: webhookResponse },
    errors: { not_found: "No such endpoint in your account." },
  },
  {
    method: "PATCH",
    path: "/api/webhooks/{id}",
    operationId: "updateWebhook",
    tag: "Webhooks",
    summary: "Update a webhook endpoint",
    description:
      "Any subset of the create fields. `enabled: true` re-enables a disabled endpoint and sends the deliveries held meanwhile; add `discardHeld: true` to mark them failed instead (they can still be replayed).",
    auth: "session",
    pathParams: webhookId,
    body: updateWebhookInput,
    example: { enabled: true },
    success: { status: 200, description: "The updated endpoint.", schema: webhookResponse },
    errors: { not_found: "No such endpoint in your account." },
  },
  {
    method: "DELETE",
    path: "/api/webhooks/{id}",
    operationId: "deleteWebhook",
    tag: "Webhooks",
    summary: "Delete a webhook endpoint",
    description: "Deletes the endpoint, its secrets and its delivery log.",
    auth: "session",
    pathParams: webhookId,
    success: { status: 204, description: "Deleted." },
    errors: { not_found: "No such endpoint in your account." },
  },
  {
    method: "PUT",
    path: "/api/webhooks/{id}/rotate-secret",
    operationId: "rotateWebhookSecret",
    tag: "Webhooks",
    summary: "Rotate the signing secret",
    description:
      "Returns a new secret. Until `previousSecretExpiresAt` every delivery is signed with both the new and the old secret (one signature each, newest first), so you can deploy the new secret without missing a delivery. At most two secrets are valid at any time: rotating during a grace period ends the older previous secret at once (`endedPreviousSecrets`).",
    auth: "session",
    pathParams: webhookId,
    body: rotateSecretInput,
    example: { gracePeriodSeconds: 86400 },
    success: { status: 200, description: "The new secret.", schema: rotatedSecretResponse },
    errors: {
      not_found: "No such endpoint in your account.",
      rate_limited: "Too many rotations of this endpoint (default 10 an hour); wait for Retry-After seconds.",
    },
  },
  {
    method: "POST",
    path: "/api/webhooks/{id}/test",
    operationId: "sendDashboardTestEvent",
    tag: "Webhooks",
    summary: "Send a test event to one endpoint",
    description: "The dashboard's Send test event: a test `conversion.created` to this endpoint only, whatever its subscriptions.",
    auth: "session",
    pathParams: webhookId,
    success: { status: 202, description: "Queued.", schema: testEventResponse },
    errors: {
      not_found: "No such endpoint in your account.",
      conflict: "The endpoint is disabled.",
      rate_limited: "Too many test events for this account (default 20 a minute); wait for Retry-After seconds.",
    },
    emits: ["conversion.created"],
  },
  {
    method: "GET",
    path: "/api/webhooks/stats",
    operationId: "listWebhookStats",
    tag: "Webhooks",
    summary: "Delivery stats per endpoint (24 h)",
    auth: "session",
    success: { status: 200, description: "One summary per endpoint.", schema: webhookSummaryList },
  },
  {
    method: "GET",
    path: "/api/webhooks/{id}/stats",
    operationId: "getWebhookTimeline",
    tag: "Webhooks",
    summary: "Deliveries and latency over time",
    auth: "session",
    pathParams: webhookId,
    query: webhookStatsQuery,
    success: { status: 200, description: "Buckets over the window.", schema: webhookTimelineResponse },
    errors: { not_found: "No such endpoint in your account." },
  },

  // Deliveries (dashboard session)
  {
    method: "GET",
    path: "/api/webhooks/{id}/deliveries",
    operationId: "listDeliveries",
    tag: "Deliveries",
    summary: "Delivery history",
    description: "Newest first, with every attempt; keyset-paginated with `cursor`/`nextCursor`.",
    auth: "session",
    pathParams: webhookId,
    query: listDeliveriesQuery,
    success: { status: 200, description: "A page of deliveries.", schema: deliveryPageResponse },
    errors: { not_found: "No such endpoint in your account." },
  },
  {
    method: "POST",
    path: "/api/webhooks/{deliveryId}/replay",
    operationId: "replayDelivery",
    tag: "Deliveries",
    summary: "Replay a delivery",
    description:
      "The same delivery goes back to pending with a fresh budget of attempts: same event, same endpoint, same body and the same `webhook-id`. Earlier attempts stay in its history; attempt numbers continue.",
    auth: "session",
    pathParams: { deliveryId: "Delivery id (`dlv_…`)." },
    success: { status: 202, description: "Queued again.", schema: replayResponse },
    errors: { not_found: "No such delivery in your account.", conflict: "The delivery is still pending: it will be sent shortly anyway." },
  },
  {
    method: "POST",
    path: "/api/webhooks/retry-failed",
    operationId: "retryFailedDeliveries",
    tag: "Deliveries",
    summary: "Retry every failed delivery",
    description: "Every failed delivery of the account — optionally of one endpoint, created within [since, until) — is replayed: same body, same `webhook-id`, a fresh budget of attempts. Deliveries to a disabled endpoint are held until it is enabled again.",
    auth: "session",
    body: retryFailedInput,
    example: { webhookId: "wh_7h3k9m2p4q6r8s1t5v0w", since: "2026-01-15T00:00:00Z" },
    success: { status: 202, description: "How many were queued.", schema: retryFailedResponse },
    errors: { not_found: "`webhookId` names no endpoint of yours." },
  },

  // Server API (API key)
  {
    method: "POST",
    path: "/api/v1/webhooks/test",
    operationId: "sendTestEvent",
    tag: "Server API",
    summary: "Send a test conversion.created",
    description:
      "A realistic test `conversion.created` payload, marked test, sent to your enabled endpoints subscribed to conversion.created — or only to `webhookId` (whatever its subscriptions).",
    auth: "apiKey",
    body: sendTestEventInput,
    example: {},
    success: { status: 202, description: "The payload sent and the deliveries queued.", schema: testEventResponse },
    errors: {
      not_found: "`webhookId` names no endpoint of yours.",
      conflict: "That endpoint is disabled.",
      rate_limited: "Too many test events for this account (default 20 a minute); wait for Retry-After seconds.",
    },
    emits: ["conversion.created"],
  },
  {
    method: "GET",
    path: "/api/v1/event-types",
    operationId: "listEventTypes",
    tag: "Server API",
    summary: "The event catalogue",
    description:
      "Every event we send: its name, what it means, the JSON Schema (2020-12) of its delivery body and a sample body — the same ones as the `webhooks` section of this document and the docs page.",
    auth: "apiKey",
    success: { status: 200, description: "One entry per event type.", schema: eventTypeList },
  },
  {
    method: "GET",
    path: "/api/v1/programs",
    operationId: "listPrograms",
    tag: "Server API",
    summary: "List programs",
    description: "Every program, newest first, for affiliates to browse.",
    auth: "apiKey",
    query: listProgramsQuery,
    success: { status: 200, description: "Programs.", schema: programList },
  },
  {
    method: "POST",
    path: "/api/v1/programs",
    operationId: "createProgram",
    tag: "Server API",
    summary: "Create a program (advertiser)",
    auth: "apiKey",
    body: createProgramInput,
    example: { name: "Spring sale", commissionRate: 12.5 },
    success: { status: 201, description: "Created.", schema: programResponse },
    errors: { forbidden: "Only advertiser accounts create programs." },
  },
  {
    method: "POST",
    path: "/api/v1/programs/{id}/partnerships",
    operationId: "applyToProgram",
    tag: "Server API",
    summary: "Apply to a program (affiliate)",
    description: "Creates a pending partnership and emits `partnership.created` to the advertiser and the affiliate.",
    auth: "apiKey",
    pathParams: { id: "Program id (`prg_…`)." },
    success: { status: 201, description: "The partnership (status pending).", schema: partnershipResponse },
    errors: {
      forbidden: "Only affiliate accounts apply to programs.",
      not_found: "No such program.",
      conflict: "You already applied to this program.",
    },
    emits: ["partnership.created"],
  },
  {
    method: "POST",
    path: "/api/v1/conversions",
    operationId: "createConversion",
    tag: "Server API",
    summary: "Register a conversion (advertiser)",
    description:
      "In a program you own, for an affiliate that applied to it (else 422). Emits `conversion.created`. Send an `Idempotency-Key` so a retried request returns the first result and emits nothing new.",
    auth: "apiKey",
    body: createConversionInput,
    example: { programId: "prg_8d1f3h5j7k9l2z4x6c8v", affiliateId: "acct_9z8y7x6w5v4u3t2s1r0q", amount: 4999, currency: "USD", externalId: "order-10293" },
    idempotent: true,
    success: { status: 201, description: "The conversion (status pending).", schema: conversionResponse },
    errors: {
      forbidden: "Only advertiser accounts register conversions.",
      not_found: "No such program in your account.",
    },
    emits: ["conversion.created"],
  },
  {
    method: "POST",
    path: "/api/v1/conversions/{id}/approve",
    operationId: "approveConversion",
    tag: "Server API",
    summary: "Approve a conversion (advertiser)",
    description: "Only from pending. Emits `conversion.approved`.",
    auth: "apiKey",
    pathParams: { id: "Conversion id (`conv_…`)." },
    success: { status: 200, description: "The conversion, approved.", schema: conversionResponse },
    errors: {
      forbidden: "Only advertiser accounts approve conversions.",
      not_found: "No such conversion in your programs.",
      conflict: "The conversion is not pending.",
    },
    emits: ["conversion.approved"],
  },
  {
    method: "POST",
    path: "/api/v1/conversions/{id}/reject",
    operationId: "rejectConversion",
    tag: "Server API",
    summary: "Reject a conversion (advertiser)",
    description: "Only from pending. Emits `conversion.rejected` with the reason.",
    auth: "apiKey",
    pathParams: { id: "Conversion id (`conv_…`)." },
    body: rejectConversionInput,
    example: { reason: "Order was refunded" },
    success: { status: 200, description: "The conversion, rejected.", schema: conversionResponse },
    errors: {
      forbidden: "Only advertiser accounts reject conversions.",
      not_found: "No such conversion in your programs.",
      conflict: "The conversion is not pending.",
    },
    emits: ["conversion.rejected"],
  },
  ...eventRoutes("/api/v1/events", "apiKey"),
  ...eventRoutes("/api/events", "session"),
  ...cliRoutes(),
];

// `partnersmy listen` / `trigger` (cli/) and the dashboard's listener count.
function cliRoutes(): RouteDoc[] {
  return [
    {
      method: "GET",
      path: "/api/v1/events/stream",
      operationId: "streamEvents",
      tag: "Server API",
      summary: "Stream your events live (Server-Sent Events)",
      description:
        "`text/event-stream` (not JSON): `event: ready` (data: {listenerId, endsInSeconds}), then per event `id: <evt_…>`, `event: <type>`, `data: <the exact delivery body>`, a `: heartbeat` comment every 15 s, and `event: reconnect` before the server ends the stream (after EVENT_STREAM_MAX_SECONDS, default 240, below Vercel's function maxDuration of 300 s). Resume with `Last-Event-ID` (or `after`): events are read in commit order from the database, so none is lost across a reconnect, a restart or another instance. Errors (bad key, bad query) are JSON before the stream starts. This is what `partnersmy listen` reads.",
      auth: "apiKey",
      query: eventStreamQuery,
      success: { status: 200, description: "The stream (text/event-stream)." },
    },
    {
      method: "POST",
      path: "/api/v1/events/trigger",
      operationId: "triggerEvent",
      tag: "Server API",
      summary: "Trigger a test event of any type",
      description:
        "A realistic event of the given type (the catalogue's sample with fresh ids, you in your role), through the normal event path: stored, streamed to CLI listeners and sent, marked test, to your enabled endpoints subscribed to it. Counted with test sends.",
      auth: "apiKey",
      body: triggerEventInput,
      example: { event: "conversion.approved" },
      success: { status: 202, description: "The event and the deliveries queued.", schema: triggerEventResponse },
      errors: { rate_limited: "Too many test events for this account (default 20 a minute); wait for Retry-After seconds." },
      emits: [...EVENT_TYPES],
    },
    {
      method: "GET",
      path: "/api/cli-listeners",
      operationId: "listCliListeners",
      tag: "Webhooks",
      summary: "Connected CLI listeners",
      description: "The account's `partnersmy listen` sessions that sent a heartbeat in the last 45 s.",
      auth: "session",
      success: { status: 200, description: "The sessions.", schema: cliListenerList },
    },
  ];
}

// The events API, described once: /api/v1/events (API key) and its dashboard twin /api/events
// (session) take and answer the same.
function eventRoutes(base: string, auth: "apiKey" | "session"): RouteDoc[] {
  const dashboard = auth === "session";
  // listEvents → listDashboardEvents, as sendTestEvent → sendDashboardTestEvent.
  const name = (op: string) => (dashboard ? op.replace(/^(list|get|resend)/, "$1Dashboard") : op);
  const tag = dashboard ? "Deliveries" : "Server API";
  const twin = dashboard ? ` The dashboard's twin of ${base.replace("/api/", "/api/v1/")}.` : "";
  const eventId = { id: "Event id (`evt_…`)." };
  return [
    {
      method: "GET",
      path: base,
      operationId: name("listEvents"),
      tag,
      summary: "List events",
      description:
        "The events your account received in the retention window (`WEBHOOK_RETENTION_DAYS`, default 30 days), newest first, whether or not an endpoint got them: each with its payload and how each of your endpoints fared (its newest delivery). Keyset-paginated with `cursor`/`nextCursor`: pages never skip or repeat an event, even while new ones arrive. Filter by `type`, `after`/`before` (created), `deliveryStatus`, or search with `q`." +
        twin,
      auth,
      query: listEventsQuery,
      success: { status: 200, description: "A page of events.", schema: eventPageResponse },
    },
    {
      method: "GET",
      path: `${base}/{id}`,
      operationId: name("getEvent"),
      tag,
      summary: "Get an event",
      description: `The event with its payload and every delivery of it to your endpoints, with their attempts.${twin}`,
      auth,
      pathParams: eventId,
      success: { status: 200, description: "The event.", schema: eventWithDeliveriesResponse },
      errors: { not_found: "No such event in your account." },
    },
    {
      method: "POST",
      path: `${base}/{id}/resend`,
      operationId: name("resendEvent"),
      tag,
      summary: "Resend an event",
      description:
        "Sends the event again — the same body and event id — as a NEW delivery to `webhookId`, or to every enabled endpoint of yours subscribed to its type now. A new delivery has a new id, so a new `webhook-id` header: a receiver that de-duplicates on webhook-id processes it again (to re-send one delivery with its own webhook-id, replay it instead). Each new delivery is retried like any other." +
        twin,
      auth,
      pathParams: eventId,
      body: resendEventInput,
      example: {},
      success: { status: 202, description: "The new deliveries, queued.", schema: resendEventResponse },
      errors: {
        not_found: "No such event in your account, or `webhookId` names no endpoint of yours.",
        conflict: "`webhookId` is not subscribed to the event's type (any more) or is disabled; or, without it, no enabled endpoint is subscribed to it.",
      },
    },
  ];
}
