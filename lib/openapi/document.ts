import { ERROR_STATUS, type ErrorCode } from "@/lib/api/errors";
import { EVENT_CATALOGUE, EVENT_TYPES, type EventType } from "@/lib/webhooks/events";
import { SIGNATURE_TOLERANCE_SECONDS } from "@/lib/webhooks/signing";
import { ERROR_DESCRIPTIONS, RESPONSE_SCHEMAS, isErrorCode, SECURITY_SCHEMES, errorResponse } from "./components";
import { documentedDefaults } from "./defaults";
import { DELIVERY_HEADER_DOCS, EVENT_RECIPIENTS, eventBodySchema, sampleDelivery } from "./events";
import { INPUT_SCHEMAS, componentName } from "./input-schemas";
import { inputJsonSchema, s, type JsonSchema } from "./json-schema";
import { ROUTES, type Auth, type RouteDoc } from "./routes";

// Assembles /api/openapi.json from ./routes.ts, the zod input schemas, the response shapes and
// the event catalogue. Pure: the same document at build time, in tests and at run time.

export const OPENAPI_VERSION = "3.1.1";

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

/** The errors a route can answer with: implied by how it authenticates and what it parses, plus its own. */
export function routeErrors(route: RouteDoc): Array<[ErrorCode, string]> {
  const out = new Map<ErrorCode, string>();
  if (route.body) {
    out.set("bad_request", "The body is not valid JSON.");
    out.set("payload_too_large", ERROR_DESCRIPTIONS.payload_too_large);
  }
  if (route.idempotent) out.set("bad_request", "The body is not valid JSON, or the Idempotency-Key header is malformed.");
  if (route.auth === "session") {
    out.set("unauthorized", "No dashboard session (an API key is not accepted here).");
    if (route.method !== "GET") out.set("forbidden", "A cross-site request (CSRF protection).");
  }
  if (route.auth === "apiKey") {
    out.set("unauthorized", "No API key, or a revoked or unknown one (a session cookie is not accepted here).");
    const perMinute = documentedDefaults().apiKeyPerMinute;
    out.set("rate_limited", `Too many requests with this API key (default ${perMinute} a minute); wait for Retry-After seconds.`);
  }
  for (const [code, text] of Object.entries(route.errors ?? {})) {
    if (isErrorCode(code) && text) out.set(code, out.has(code) ? `${out.get(code)} Or: ${text}` : text);
  }
  if (route.body || route.query || route.idempotent) {
    const extra = route.idempotent ? " Also: the Idempotency-Key was used before with a different request." : "";
    out.set("unprocessable", `Validation failed; \`details.fieldErrors\` names the fields.${extra}`);
  }
  out.set("internal", ERROR_DESCRIPTIONS.internal);
  return [...out].sort(([a], [b]) => ERROR_STATUS[a] - ERROR_STATUS[b]);
}

function operation(route: RouteDoc) {
  const parameters: JsonSchema[] = [];
  for (const [name, description] of Object.entries(route.pathParams ?? {})) {
    parameters.push({ name, in: "path", required: true, description, schema: { type: "string" } });
  }
  if (route.query) {
    const query = inputJsonSchema(INPUT_SCHEMAS[route.query]);
    const required = Array.isArray(query.required) ? query.required : [];
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      parameters.push({ name, in: "query", required: required.includes(name), schema });
    }
  }
  if (route.idempotent) {
    parameters.push({
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description:
        "Any unique string (a UUID is a good choice), 1–255 printable ASCII characters. A repeat with the same key and the same body returns the first response (with `Idempotent-Replayed: true`) and emits nothing new.",
      schema: { type: "string", minLength: 1, maxLength: 255 },
    });
  }

  const responses: Record<string, JsonSchema> = {
    [String(route.success.status)]: {
      description: route.success.description,
      ...(route.success.schema ? { content: { "application/json": { schema: route.success.schema } } } : {}),
    },
  };
  for (const [code, text] of routeErrors(route)) responses[String(ERROR_STATUS[code])] = errorResponse(code, text);

  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    security: SECURITY[route.auth],
    ...(parameters.length ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: s.ref(componentName(route.body)),
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

function webhookOperation(event: EventType) {
  const sample = sampleDelivery(event);
  const recipients = EVENT_RECIPIENTS[event];
  return {
    post: {
      operationId: `event.${event}`,
      tags: ["Events"],
      summary: event,
      description: `${EVENT_CATALOGUE[event].description}\n\nSent to ${recipients.advertiser}, and to ${recipients.affiliate}: each of their endpoints subscribed to ${event} gets one delivery.`,
      parameters: DELIVERY_HEADER_DOCS.filter((h) => h.name !== "Content-Type").map((h) => ({
        name: h.name,
        in: "header",
        required: true,
        description: h.description,
        schema: { type: "string" },
        example: sample.headers[h.name.toLowerCase()],
      })),
      requestBody: {
        required: true,
        content: { "application/json": { schema: s.ref(eventComponentName(event)), example: JSON.parse(sample.body) } },
      },
      responses: {
        "2XX": { description: `Delivered: any 2xx within ${documentedDefaults().timeoutMs / 1000} s. The body is ignored (the first 16 KiB are kept in the delivery log).` },
        "410": { description: "Gone: the endpoint is disabled at once and no more deliveries are attempted." },
        default: {
          description:
            "Anything else — another status, a redirect (not followed), a timeout or a connection error — is a failure and is retried. On 429 and 503 a Retry-After header is honoured.",
        },
      },
    },
  };
}

export function eventComponentName(event: EventType): string {
  return `${event.split(/[._]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("")}Event`;
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;

export function buildOpenApiDocument() {
  const paths: Record<string, Record<string, ReturnType<typeof operation>>> = {};
  for (const route of ROUTES) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);

  const inputSchemas = Object.fromEntries(
    Object.entries(INPUT_SCHEMAS)
      .filter(([name]) => ROUTES.some((r) => r.body === name))
      .map(([name, schema]) => [componentName(name), inputJsonSchema(schema)]),
  );
  const eventSchemas = Object.fromEntries(EVENT_TYPES.map((e) => [eventComponentName(e), inputJsonSchema(eventBodySchema(e))]));
  const schemas: Record<string, JsonSchema> = {
    ...RESPONSE_SCHEMAS,
    TestEventResult: s.object({
      payload: s.ref(eventComponentName("conversion.created")),
      deliveries: s.array(s.object({ id: s.id("dlv"), webhookId: s.id("wh") }), "One per endpoint it was sent to."),
    }),
    ...inputSchemas,
    ...eventSchemas,
  };

  return {
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
    webhooks: Object.fromEntries(EVENT_TYPES.map((e) => [e, webhookOperation(e)])),
    components: {
      schemas,
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}

let cached: OpenApiDocument | undefined;

/** Built once per process: it depends on code only. */
export function getOpenApiDocument(): OpenApiDocument {
  cached ??= buildOpenApiDocument();
  return cached;
}
