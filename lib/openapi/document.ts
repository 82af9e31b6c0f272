import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { ERROR_STATUS, type ErrorCode } from "@/lib/api/errors";
import { EVENT_BODY_SCHEMAS, EVENT_CATALOGUE, EVENT_TYPES, type EventType } from "@/lib/webhooks/events";
import { SIGNATURE_TOLERANCE_SECONDS } from "@/lib/webhooks/signing";
import type { RouteErrorWords } from "./translation";
import { documentedDefaults } from "./defaults";
import { ERROR_DESCRIPTIONS, errorResponse, isErrorCode } from "./errors";
import { DELIVERY_HEADER_DOCS, sampleDelivery } from "./events";
import { ROUTES, type Auth, type Method, type RouteDoc } from "./routes";

// Generates /api/openapi.json with zod-openapi from ./routes.ts (each route's metadata and its
// zod schemas) and the event catalogue. Pure: the same document at build time, in tests and
// at run time.

export const OPENAPI_VERSION = "3.1.1";

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

const SECURITY: Record<Auth, Array<Record<string, string[]>>> = {
  public: [],
  session: [{ sessionCookie: [] }],
  apiKey: [{ bearerApiKey: [] }, { apiKeyHeader: [] }],
};

export const AUTH_LABELS: Record<Auth, string> = {
  public: "Public",
  session: "Dashboard session",
  apiKey: "API key",
};

export const ROUTE_ERROR_WORDS: RouteErrorWords = {
  bodyInvalid: "The body is not valid JSON.",
  bodyOrIdempotencyInvalid: "The body is not valid JSON, or the Idempotency-Key header is malformed.",
  noSession: "No dashboard session (an API key is not accepted here).",
  crossSite: "A cross-site request (CSRF protection).",
  noApiKey: "No API key, or a revoked or unknown one (a session cookie is not accepted here).",
  apiKeyRateLimited:
    "Too many requests with this API key (default {perMinute} a minute), or too many bad keys from this address (default {failuresPerMinute} a minute); wait for Retry-After seconds.",
  or: "Or:",
  notFoundId: "Nothing of yours has this id.",
  unprocessable: "Validation failed; `details.fieldErrors` names the fields.",
  idempotencyReused: "Also: the Idempotency-Key was used before with a different request.",
};

/**
 * The errors a route can answer with: implied by how it authenticates and what it parses, plus its
 * own. In English for the document; the /docs reference passes another language's words (and the
 * route with its own texts translated, translation.ts).
 */
export function routeErrors(
  route: RouteDoc,
  words: RouteErrorWords = ROUTE_ERROR_WORDS,
  descriptions: Record<ErrorCode, string> = ERROR_DESCRIPTIONS,
): Array<[ErrorCode, string]> {
  const out = new Map<ErrorCode, string>();
  if (route.body) {
    out.set("bad_request", words.bodyInvalid);
    out.set("payload_too_large", descriptions.payload_too_large);
  }
  if (route.idempotent) out.set("bad_request", words.bodyOrIdempotencyInvalid);
  if (route.auth === "session") {
    out.set("unauthorized", words.noSession);
    if (route.method !== "GET") out.set("forbidden", words.crossSite);
  }
  if (route.auth === "apiKey") {
    out.set("unauthorized", words.noApiKey);
    const { apiKeyPerMinute, apiKeyFailuresPerMinute } = documentedDefaults();
    out.set(
      "rate_limited",
      words.apiKeyRateLimited.replace("{perMinute}", String(apiKeyPerMinute)).replace("{failuresPerMinute}", String(apiKeyFailuresPerMinute)),
    );
  }
  for (const [code, text] of Object.entries(route.errors ?? {})) {
    if (isErrorCode(code) && text) out.set(code, out.has(code) ? `${out.get(code)} ${words.or} ${text}` : text);
  }
  if (route.pathParams && !out.has("not_found")) out.set("not_found", words.notFoundId);
  if (route.body || route.query || route.idempotent) {
    const extra = route.idempotent ? ` ${words.idempotencyReused}` : "";
    out.set("unprocessable", `${words.unprocessable}${extra}`);
  }
  out.set("internal", descriptions.internal);
  return [...out].sort(([a], [b]) => ERROR_STATUS[a] - ERROR_STATUS[b]);
}

/** `createWebhook` → `CreateWebhookInput`: the component name of a route's request body. */
export const bodyComponentName = (route: RouteDoc) => `${route.operationId.charAt(0).toUpperCase()}${route.operationId.slice(1)}Input`;

const pathParamsSchema = (params: Record<string, string>) =>
  z.object(Object.fromEntries(Object.entries(params).map(([name, description]) => [name, z.string().meta({ description })])));

const idempotencyHeader = z.object({
  "Idempotency-Key": z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({
      description:
        "Any unique string (a UUID is a good choice), 1–255 printable ASCII characters. A repeat with the same key and the same body returns the first response (with `Idempotent-Replayed: true`) and emits nothing new.",
    }),
});

const METHOD_KEYS = { GET: "get", POST: "post", PUT: "put", PATCH: "patch", DELETE: "delete" } as const satisfies Record<Method, string>;

function operation(route: RouteDoc): ZodOpenApiOperationObject {
  const responses: ZodOpenApiOperationObject["responses"] = {
    [String(route.success.status)]: {
      description: route.success.description,
      ...(route.success.schema ? { content: { "application/json": { schema: route.success.schema } } } : {}),
    },
  };
  for (const [code, text] of routeErrors(route)) responses[`${ERROR_STATUS[code]}`] = errorResponse(code, text);

  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    security: SECURITY[route.auth],
    requestParams: {
      ...(route.pathParams ? { path: pathParamsSchema(route.pathParams) } : {}),
      ...(route.query ? { query: route.query } : {}),
      ...(route.idempotent ? { header: idempotencyHeader } : {}),
    },
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: route.body.meta({ id: bodyComponentName(route) }),
                ...(route.example !== undefined ? { example: route.example } : {}),
              },
            },
          },
        }
      : {}),
    responses,
    ...(route.emits ? { "x-emits-events": route.emits } : {}),
  };
}

function webhookOperation(event: EventType): ZodOpenApiOperationObject {
  const sample = sampleDelivery(event);
  const { recipients, description } = EVENT_CATALOGUE[event];
  return {
    operationId: `event.${event}`,
    tags: ["Events"],
    summary: event,
    description: `${description}\n\nSent to ${recipients.advertiser}, and to ${recipients.affiliate}: each of their endpoints subscribed to ${event} gets one delivery.`,
    parameters: DELIVERY_HEADER_DOCS.filter((h) => h.name !== "Content-Type").map((h) => ({
      name: h.name,
      in: "header" as const,
      required: true,
      description: h.description,
      schema: { type: "string" as const },
      example: sample.headers[h.name.toLowerCase()],
    })),
    requestBody: {
      required: true,
      content: { "application/json": { schema: EVENT_BODY_SCHEMAS[event], example: JSON.parse(sample.body) } },
    },
    responses: {
      "2XX": {
        description: `Delivered: any 2xx within ${documentedDefaults().timeoutMs / 1000} s. The body is ignored (the first 16 KiB are kept in the delivery log).`,
      },
      "410": { description: "Gone: the endpoint is disabled at once and no more deliveries are attempted." },
      default: {
        description:
          "Anything else — another status, a redirect (not followed), a timeout or a connection error — is a failure and is retried. On 429 and 503 a Retry-After header is honoured.",
      },
    },
  };
}

export function buildOpenApiDocument() {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of ROUTES) (paths[route.path] ??= {})[METHOD_KEYS[route.method]] = operation(route);

  return createDocument(
    {
      openapi: OPENAPI_VERSION,
      info: {
        title: "PartnersMy API and webhooks",
        version: "1.0.0",
        description:
          "Server API (`/api/v1`, API key), dashboard endpoints for managing webhooks (`/api/webhooks`, dashboard session) and the webhook events we POST to your endpoints. " +
          `Every delivery is signed (X-Webhook-Signature and Standard Webhooks headers); reject signatures older than ${SIGNATURE_TOLERANCE_SECONDS} seconds. Human-readable guide: /docs.`,
      },
      servers: [{ url: "/", description: "This deployment" }],
      tags: [
        { name: "Server API", description: "For your servers: authenticate with an API key." },
        { name: "Webhooks", description: "Manage endpoints: dashboard session." },
        { name: "Deliveries", description: "Delivery history, replay and bulk retry: dashboard session." },
        { name: "API keys", description: "Dashboard session." },
        { name: "Account", description: "Public sign-up." },
        { name: "Meta", description: "Health and this document." },
        { name: "Events", description: "What we POST to your endpoints." },
      ],
      paths,
      webhooks: Object.fromEntries(EVENT_TYPES.map((e) => [e, { post: webhookOperation(e) }])),
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    { override: tidySchema },
  );
}

// zod spells out the regex behind `format: date-time`/`email` and the safe-integer bounds of
// every `.int()`; the format and the type say it better.
function tidySchema({ jsonSchema }: { jsonSchema: Record<string, unknown> }) {
  if (typeof jsonSchema.format === "string" && typeof jsonSchema.pattern === "string") delete jsonSchema.pattern;
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;

let cached: OpenApiDocument | undefined;

/** Built once per process: it depends on code only. */
export function getOpenApiDocument(): OpenApiDocument {
  cached ??= buildOpenApiDocument();
  return cached;
}
