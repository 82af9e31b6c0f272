import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { getTableColumns } from "drizzle-orm";
import { describe, expect, test } from "vitest";
import type { z } from "zod";
import * as accountSchemas from "@/lib/accounts/schemas";
import * as apiKeySchemas from "@/lib/api-keys/schemas";
import * as conversionSchemas from "@/lib/conversions/schemas";
import { deliveryAttempts } from "@/lib/db/schema";
import * as programSchemas from "@/lib/programs/schemas";
import { EVENT_BODY_SCHEMAS, EVENT_CATALOGUE, EVENT_TYPES, buildEventBody, eventComponentName } from "@/lib/webhooks/events";
import * as webhookSchemas from "@/lib/webhooks/schemas";
import { signStandardWebhook, verifySignatureHeader } from "@/lib/webhooks/signing";
import * as testEvent from "@/lib/webhooks/test-event";
import * as cliSchemas from "@/lib/cli/schemas";
import * as eventsSchemas from "@/lib/events/schemas";
import { buildOpenApiDocument } from "./document";
import { listEventTypes } from "./event-types";
import { DELIVERY_HEADER_DOCS, SAMPLE_NEW_SECRET, SAMPLE_SECRET, sampleDelivery } from "./events";
import { ROUTES } from "./routes";

const API_DIR = path.join(process.cwd(), "app", "api");
// Not ours to document: next-auth's own endpoints, Inngest's callback, and the JSON 404 for
// every path no route serves.
const UNDOCUMENTED = ["auth/[...nextauth]", "inngest", "[...notFound]"];
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

/** `webhooks/[id]/replay` → `/api/webhooks/{}/replay`: parameter names may differ from the folder names. */
const normalise = (p: string) => p.replace(/\{[^}]+\}/g, "{}");

/** The HTTP methods a route file serves, in any of the forms Next accepts (not the 405 answers of `otherMethods`). */
function exportedMethods(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:const|async\s+function|function)\s+([A-Z]+)\b/g)) found.add(m[1]!);
  for (const m of source.matchAll(/export\s+const\s*\{([^}]*)\}\s*=(?!\s*otherMethods\b)/g)) {
    for (const name of m[1]!.split(",")) found.add(name.trim().split(/\s*:\s*/).pop()!);
  }
  return [...found].filter((name) => METHODS.includes(name));
}

const filesystemRoutes = routeFiles(API_DIR)
  .map((file) => ({ file, dir: path.relative(API_DIR, path.dirname(file)).split(path.sep).join("/") }))
  .filter(({ dir }) => !UNDOCUMENTED.includes(dir))
  .flatMap(({ file, dir }) => {
    const source = readFileSync(file, "utf8");
    const apiPath = normalise(`/api/${dir.replace(/\[([^\]]+)\]/g, "{$1}")}`);
    return exportedMethods(source).map((method) => ({ key: `${method} ${apiPath}`, file, source }));
  });

// The exported name of a zod schema the routes table points at, found by identity.
const SCHEMA_MODULES: Record<string, unknown>[] = [accountSchemas, apiKeySchemas, conversionSchemas, programSchemas, webhookSchemas, testEvent, cliSchemas, eventsSchemas];
function exportName(schema: z.ZodType): string | undefined {
  for (const mod of SCHEMA_MODULES) for (const [name, value] of Object.entries(mod)) if (value === schema) return name;
  return undefined;
}

const doc = buildOpenApiDocument();
const paths = doc.paths ?? {};
const schemas = doc.components?.schemas ?? {};
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);

describe("the OpenAPI document", () => {
  test("is a valid OpenAPI 3.1 document with paths, components and webhooks", async () => {
    const result = await new Validator().validate(JSON.parse(JSON.stringify(doc)));
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(Object.keys(paths).length).toBeGreaterThan(10);
    expect(Object.keys(schemas)).toContain("Error");
    expect(Object.keys(doc.components?.securitySchemes ?? {}).sort()).toEqual(["apiKeyHeader", "bearerApiKey", "sessionCookie"]);
    expect(Object.keys(doc.webhooks ?? {}).sort()).toEqual([...EVENT_TYPES].sort());
  });

  test("every exported method of every app/api route is documented, and nothing else", () => {
    expect(filesystemRoutes.length).toBeGreaterThan(15);
    const onDisk = filesystemRoutes.map((r) => r.key).sort();
    const documented = Object.entries(paths)
      .flatMap(([p, ops]) => Object.keys(ops ?? {}).map((m) => `${m.toUpperCase()} ${normalise(p)}`))
      .sort();
    expect(documented).toEqual(onDisk);
  });

  test.each(ROUTES.filter((r) => r.body || r.query).map((r) => [`${r.method} ${r.path}`, r] as const))(
    "%s documents the zod schema its route parses with",
    (key, route) => {
      const file = filesystemRoutes.find((f) => f.key === `${route.method} ${normalise(route.path)}`);
      expect(file, key).toBeDefined();
      for (const schema of [route.body, route.query]) {
        if (!schema) continue;
        const name = exportName(schema);
        expect(name, `${key}: its schema is an export of a schemas module`).toBeDefined();
        expect(file!.source).toContain(name);
      }
    },
  );

  test.each(ROUTES.filter((r) => r.body).map((r) => [`${r.method} ${r.path}`, r] as const))(
    "the example body of %s is accepted by its schema",
    (_key, route) => {
      expect(route.example, "routes with a body carry an example").toBeDefined();
      expect(route.body!.safeParse(route.example).error).toBeUndefined();
    },
  );

  test("every $ref points at a schema that exists", () => {
    const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of new Set(refs)) {
      const name = ref.slice('"#/components/schemas/'.length, -1);
      expect(schemas, ref).toHaveProperty([name]);
    }
  });

  test("request bodies come from the routes' zod schemas (defaults, enums, limits)", () => {
    expect(schemas.CreateWebhookInput).toMatchObject({
      type: "object",
      required: ["url", "events"],
      properties: {
        events: { type: "array", minItems: 1, items: { enum: [...EVENT_TYPES] } },
        enabled: { type: "boolean", default: true },
      },
    });
    const query = paths["/api/webhooks/{id}/deliveries"]?.get?.parameters ?? [];
    expect(query).toContainEqual(expect.objectContaining({ name: "limit", in: "query", schema: expect.objectContaining({ maximum: 100, default: 20 }) }));
  });

  test("responses come from the serializers' zod schemas, and say what the table says", () => {
    expect(paths["/api/webhooks/{id}"]?.get?.responses?.["200"]).toMatchObject({
      content: { "application/json": { schema: { $ref: "#/components/schemas/Webhook" } } },
    });
    // An attempt always has a duration (the column is NOT NULL), so the docs must not say null.
    expect(getTableColumns(deliveryAttempts).durationMs.notNull).toBe(true);
    expect(schemas.DeliveryAttempt).toMatchObject({ properties: { durationMs: { type: "integer" } } });
    expect(JSON.stringify(schemas.DeliveryAttempt)).not.toMatch(/"durationMs":\{"anyOf"/);
  });

  test("security follows how each route authenticates", () => {
    expect(paths["/api/webhooks"]?.post?.security).toEqual([{ sessionCookie: [] }]);
    expect(paths["/api/v1/conversions"]?.post?.security).toEqual([{ bearerApiKey: [] }, { apiKeyHeader: [] }]);
    expect(paths["/api/signup"]?.post?.security).toEqual([]);
    expect(paths["/api/v1/conversions"]?.post?.parameters).toContainEqual(expect.objectContaining({ name: "Idempotency-Key", in: "header" }));
  });
});

describe("the documented deliveries", () => {
  test.each(EVENT_TYPES)("the catalogue sample of %s fits the documented body, field for field", (event) => {
    const sample = EVENT_CATALOGUE[event].sample;
    // Every sample field is documented (no undocumented extras) …
    expect(Object.keys(sample).sort()).toEqual(Object.keys(EVENT_CATALOGUE[event].data.shape).sort());
    // … and the delivery body as built by the sender passes the documented schema.
    expect(EVENT_BODY_SCHEMAS[event].safeParse(JSON.parse(buildEventBody(event, sample))).error).toBeUndefined();
    expect(schemas).toHaveProperty([eventComponentName(event)]);
  });

  test.each(EVENT_TYPES)("the example delivery of %s verifies with the sample secret, both schemes", (event) => {
    const { body, headers } = sampleDelivery(event, [SAMPLE_NEW_SECRET, SAMPLE_SECRET]);
    const at = new Date(Number(headers["webhook-timestamp"]) * 1000);
    for (const secret of [SAMPLE_NEW_SECRET, SAMPLE_SECRET]) {
      expect(verifySignatureHeader(headers["x-webhook-signature"], body, secret, { now: at }).ok).toBe(true);
      const expected = signStandardWebhook(secret, headers["webhook-id"]!, Number(headers["webhook-timestamp"]), body);
      expect(headers["webhook-signature"]!.split(" ")).toContain(expected);
    }
    expect(JSON.parse(body)).toMatchObject({ event, data: EVENT_CATALOGUE[event].sample });
  });

  test("the docs list exactly the headers the sender sets", () => {
    const sent = Object.keys(sampleDelivery("conversion.created").headers).sort();
    expect(DELIVERY_HEADER_DOCS.map((h) => h.name.toLowerCase()).sort()).toEqual(sent);
  });

  test("a producer whose data drifts from the event's schema fails, instead of sending it", () => {
    const { amount: _amount, ...withoutAmount } = EVENT_CATALOGUE["conversion.created"].sample;
    // @ts-expect-error — the type says the same thing at compile time (see also outbox.test.ts)
    expect(() => buildEventBody("conversion.created", withoutAmount)).toThrow(/amount/);
    // Undocumented fields are not sent.
    const extra = { ...EVENT_CATALOGUE["partnership.created"].sample, internalNote: "secret" };
    expect(JSON.parse(buildEventBody("partnership.created", extra)).data).not.toHaveProperty("internalNote");
  });
});

describe("the event catalogue for machines (GET /api/v1/event-types)", () => {
  const types = listEventTypes();

  test("lists every event with its description, once, in catalogue order", () => {
    expect(types.map((t) => t.name)).toEqual([...EVENT_TYPES]);
    for (const t of types) expect(t.description).toBe(EVENT_CATALOGUE[t.name].description);
  });

  test.each(types.map((t) => [t.name, t] as const))("%s: its schema is the webhooks section's, self-contained, and its sample passes it", (name, t) => {
    const webhookBody = doc.webhooks?.[name]?.post?.requestBody;
    expect(webhookBody).toMatchObject({ content: { "application/json": { schema: { $ref: `#/components/schemas/${eventComponentName(name)}` } } } });
    const { $schema, ...schema } = t.schema;
    expect($schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema).toEqual(schemas[eventComponentName(name)]);
    expect(JSON.stringify(t.schema)).not.toContain("$ref");
    const validate = ajv.compile(t.schema);
    expect(validate(t.sample), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...(t.sample as object), event: "nope" })).toBe(false);
    expect(t.sample).toEqual(JSON.parse(sampleDelivery(name).body));
  });
});
