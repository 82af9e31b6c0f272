import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { EVENT_CATALOGUE, EVENT_TYPES, buildEventBody } from "@/lib/webhooks/events";
import { verifySignatureHeader, signStandardWebhook } from "@/lib/webhooks/signing";
import { buildOpenApiDocument, eventComponentName } from "./document";
import { DELIVERY_HEADER_DOCS, EVENT_DATA_SCHEMAS, SAMPLE_NEW_SECRET, SAMPLE_SECRET, eventBodySchema, sampleDelivery } from "./events";
import { INPUT_SCHEMAS } from "./input-schemas";
import { ROUTES } from "./routes";

const API_DIR = path.join(process.cwd(), "app", "api");
// Not ours to document: next-auth's own endpoints and Inngest's callback.
const UNDOCUMENTED = ["auth/[...nextauth]", "inngest"];
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

/** The HTTP methods a route file exports, in any of the forms Next accepts. */
function exportedMethods(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:const|async\s+function|function)\s+([A-Z]+)\b/g)) found.add(m[1]!);
  for (const m of source.matchAll(/export\s+const\s*\{([^}]*)\}/g)) for (const name of m[1]!.split(",")) found.add(name.trim().split(/\s*:\s*/).pop()!);
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

const doc = buildOpenApiDocument();

describe("the OpenAPI document", () => {
  test("is OpenAPI 3.1 with paths, components and webhooks", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(Object.keys(doc.paths).length).toBeGreaterThan(10);
    expect(Object.keys(doc.components.schemas)).toContain("Error");
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["apiKeyHeader", "bearerApiKey", "sessionCookie"]);
    expect(Object.keys(doc.webhooks).sort()).toEqual([...EVENT_TYPES].sort());
  });

  test("every exported method of every app/api route is documented, and nothing else", () => {
    expect(filesystemRoutes.length).toBeGreaterThan(15);
    const onDisk = filesystemRoutes.map((r) => r.key).sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${normalise(p)}`))
      .sort();
    expect(documented).toEqual(onDisk);
  });

  test.each(ROUTES.filter((r) => r.body || r.query).map((r) => [`${r.method} ${r.path}`, r] as const))(
    "%s documents the zod schema its route parses with",
    (key, route) => {
      const file = filesystemRoutes.find((f) => f.key === `${route.method} ${normalise(route.path)}`);
      expect(file, key).toBeDefined();
      for (const name of [route.body, route.query]) if (name) expect(file!.source).toContain(name);
    },
  );

  test.each(ROUTES.filter((r) => r.body).map((r) => [`${r.method} ${r.path}`, r] as const))(
    "the example body of %s is accepted by its schema",
    (_key, route) => {
      expect(route.example, "routes with a body carry an example").toBeDefined();
      expect(INPUT_SCHEMAS[route.body!].safeParse(route.example).error).toBeUndefined();
    },
  );

  test("every $ref points at a schema that exists", () => {
    const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of new Set(refs)) {
      const name = ref.slice('"#/components/schemas/'.length, -1);
      expect(doc.components.schemas, ref).toHaveProperty([name]);
    }
  });

  test("request bodies come from the routes' zod schemas (defaults, enums, limits)", () => {
    const create = doc.components.schemas.CreateWebhookInput;
    expect(create).toMatchObject({
      type: "object",
      required: ["url", "events"],
      properties: {
        events: { type: "array", minItems: 1, items: { enum: [...EVENT_TYPES] } },
        enabled: { type: "boolean", default: true },
      },
    });
    const query = doc.paths["/api/webhooks/{id}/deliveries"]!.get!.parameters!;
    expect(query).toContainEqual(expect.objectContaining({ name: "limit", in: "query", schema: expect.objectContaining({ maximum: 100, default: 20 }) }));
  });

  test("security follows how each route authenticates", () => {
    expect(doc.paths["/api/webhooks"]!.post!.security).toEqual([{ sessionCookie: [] }]);
    expect(doc.paths["/api/v1/conversions"]!.post!.security).toEqual([{ bearerApiKey: [] }, { apiKeyHeader: [] }]);
    expect(doc.paths["/api/signup"]!.post!.security).toEqual([]);
    expect(doc.paths["/api/v1/conversions"]!.post!.parameters).toContainEqual(expect.objectContaining({ name: "Idempotency-Key", in: "header" }));
  });
});

describe("the documented deliveries", () => {
  test.each(EVENT_TYPES)("the catalogue sample of %s fits the documented body, field for field", (event) => {
    const sample = EVENT_CATALOGUE[event].sample;
    // Every sample field is documented (no undocumented extras) …
    expect(Object.keys(sample).sort()).toEqual(Object.keys(EVENT_DATA_SCHEMAS[event].shape).sort());
    // … and the delivery body as built by the sender passes the documented schema.
    expect(eventBodySchema(event).safeParse(JSON.parse(buildEventBody(event, sample))).error).toBeUndefined();
    expect(doc.components.schemas).toHaveProperty([eventComponentName(event)]);
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
});
