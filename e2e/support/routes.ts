import fs from "node:fs";
import path from "node:path";
import { expect, request as playwrightRequest, type APIRequestContext, type APIResponse } from "@playwright/test";
import { ERROR_STATUS } from "@/lib/api/errors";
import type { Auth, Method } from "@/lib/openapi/routes";
import { createApiKey, newSession, type TestUser } from "./accounts";

// Every route of the product's API, with how it authenticates and a valid example request.
// security.spec.ts and fuzz.spec.ts both walk this table; security.spec.ts also checks it
// against the route files under app/api, so a new route cannot be left out.

/** The contract's status for an error code a response carries, known or not. */
export function statusOfCode(code: string): number | undefined {
  return (ERROR_STATUS as Record<string, number>)[code];
}

/** What a path `:id` names, so a test can put an own, a foreign or a made-up one there. */
export type IdKind = "webhook" | "delivery" | "apiKey" | "program" | "conversion" | "event";

/** The ids a valid example needs, all owned by one advertiser (and one affiliate who applied). */
export interface Fixture {
  advertiser: TestUser;
  affiliate: TestUser;
  webhookId: string;
  deliveryId: string;
  apiKeyId: string;
  programId: string;
  conversionId: string;
  /** An event the advertiser received (the test send's), delivered to `webhookId`. */
  eventId: string;
}

export interface RouteSpec {
  method: Method;
  /** Path template, `:id` for the one path parameter. */
  path: string;
  auth: Auth;
  /** Which account kind gets a 2xx from the valid example (the other may get 403). */
  caller?: "advertiser" | "affiliate";
  id?: IdKind;
  /** Takes a JSON body; then `body` is a valid one. */
  json: boolean;
  body?: (f: Fixture) => Record<string, unknown>;
  /** Query string of the valid example (without "?"). */
  query?: string;
  /** The status of the valid example. */
  ok: number;
  /** Mutating and not repeatable (deletes, decisions): callers use a throw-away target. */
  destructive?: boolean;
  /** Answers text/event-stream that stays open (GET /api/v1/events/stream): read its start only. */
  stream?: boolean;
}

export const WEBHOOK_URL = "https://127.0.0.1:9/hooks"; // https (production rules), nothing listens

export const ROUTES: RouteSpec[] = [
  // Dashboard session
  { method: "GET", path: "/api/api-keys", auth: "session", json: false, ok: 200 },
  { method: "POST", path: "/api/api-keys", auth: "session", json: true, body: () => ({ name: "example key" }), ok: 201 },
  { method: "DELETE", path: "/api/api-keys/:id", auth: "session", id: "apiKey", json: false, ok: 204, destructive: true },
  { method: "GET", path: "/api/webhooks", auth: "session", json: false, ok: 200 },
  {
    method: "POST",
    path: "/api/webhooks",
    auth: "session",
    json: true,
    body: () => ({ url: WEBHOOK_URL, events: ["conversion.created"], description: "example" }),
    ok: 201,
  },
  { method: "GET", path: "/api/webhooks/stats", auth: "session", json: false, ok: 200 },
  { method: "POST", path: "/api/webhooks/retry-failed", auth: "session", json: true, body: (f) => ({ webhookId: f.webhookId }), ok: 202 },
  { method: "GET", path: "/api/webhooks/:id", auth: "session", id: "webhook", json: false, ok: 200 },
  { method: "PATCH", path: "/api/webhooks/:id", auth: "session", id: "webhook", json: true, body: () => ({ description: "patched" }), ok: 200 },
  { method: "DELETE", path: "/api/webhooks/:id", auth: "session", id: "webhook", json: false, ok: 204, destructive: true },
  {
    method: "PUT",
    path: "/api/webhooks/:id/rotate-secret",
    auth: "session",
    id: "webhook",
    json: true,
    body: () => ({ gracePeriodSeconds: 60 }),
    ok: 200,
  },
  { method: "GET", path: "/api/webhooks/:id/deliveries", auth: "session", id: "webhook", json: false, query: "limit=5", ok: 200 },
  { method: "GET", path: "/api/webhooks/:id/stats", auth: "session", id: "webhook", json: false, query: "hours=24", ok: 200 },
  { method: "POST", path: "/api/webhooks/:id/test", auth: "session", id: "webhook", json: false, ok: 202 },
  // Replay answers 409 while the delivery is still pending; the example is judged separately.
  { method: "POST", path: "/api/webhooks/:id/replay", auth: "session", id: "delivery", json: false, ok: 202 },
  // API key
  { method: "POST", path: "/api/v1/webhooks/test", auth: "apiKey", json: true, body: (f) => ({ webhookId: f.webhookId }), ok: 202 },
  { method: "GET", path: "/api/v1/event-types", auth: "apiKey", json: false, ok: 200 },
  { method: "GET", path: "/api/v1/programs", auth: "apiKey", json: false, query: "limit=2", ok: 200 },
  { method: "POST", path: "/api/v1/programs", auth: "apiKey", caller: "advertiser", json: true, body: () => ({ name: "Example program", commissionRate: 12.5 }), ok: 201 },
  { method: "POST", path: "/api/v1/programs/:id/partnerships", auth: "apiKey", caller: "affiliate", id: "program", json: false, ok: 201, destructive: true },
  {
    method: "POST",
    path: "/api/v1/conversions",
    auth: "apiKey",
    caller: "advertiser",
    json: true,
    body: (f) => ({ programId: f.programId, affiliateId: f.affiliate.accountId, amount: 4999, currency: "EUR", type: "sale" }),
    ok: 201,
  },
  { method: "POST", path: "/api/v1/conversions/:id/approve", auth: "apiKey", caller: "advertiser", id: "conversion", json: false, ok: 200, destructive: true },
  {
    method: "POST",
    path: "/api/v1/conversions/:id/reject",
    auth: "apiKey",
    caller: "advertiser",
    id: "conversion",
    json: true,
    body: () => ({ reason: "duplicate order" }),
    ok: 200,
    destructive: true,
  },
  // Events (catch up on missed events) and their dashboard twins
  { method: "GET", path: "/api/v1/events", auth: "apiKey", json: false, query: "limit=5&type=conversion.created", ok: 200 },
  { method: "GET", path: "/api/v1/events/:id", auth: "apiKey", id: "event", json: false, ok: 200 },
  { method: "POST", path: "/api/v1/events/:id/resend", auth: "apiKey", id: "event", json: true, body: (f) => ({ webhookId: f.webhookId }), ok: 202 },
  { method: "GET", path: "/api/events", auth: "session", json: false, query: "limit=5", ok: 200 },
  { method: "GET", path: "/api/events/:id", auth: "session", id: "event", json: false, ok: 200 },
  { method: "POST", path: "/api/events/:id/resend", auth: "session", id: "event", json: true, body: (f) => ({ webhookId: f.webhookId }), ok: 202 },
  // CLI (partnersmy listen / trigger) and the dashboard's listener count
  { method: "GET", path: "/api/v1/events/stream", auth: "apiKey", json: false, query: "events=conversion.created", ok: 200, stream: true },
  { method: "POST", path: "/api/v1/events/trigger", auth: "apiKey", json: true, body: () => ({ event: "conversion.approved" }), ok: 202 },
  { method: "GET", path: "/api/cli-listeners", auth: "session", json: false, ok: 200 },
  // Public
  { method: "POST", path: "/api/signup", auth: "public", json: true, body: () => exampleSignup(), ok: 201 },
  { method: "GET", path: "/api/health", auth: "public", json: false, ok: 200 },
  { method: "GET", path: "/api/openapi.json", auth: "public", json: false, ok: 200 },
];

/**
 * Routes served by frameworks, not by our handlers: next-auth and Inngest have their own
 * contracts; the catch-all only answers 404 for paths no route serves.
 */
export const FRAMEWORK_ROUTES = ["/api/auth/[...nextauth]", "/api/inngest", "/api/[...notFound]"];

export const routeName = (r: Pick<RouteSpec, "method" | "path">) => `${r.method} ${r.path}`;

export function exampleSignup() {
  const suffix = Math.random().toString(36).slice(2, 10);
  return {
    email: `example-${suffix}@example.test`,
    password: "correct horse battery",
    name: "Example Person",
    accountName: `Example ${suffix}`,
    accountKind: "advertiser",
  };
}

export function pathFor(route: RouteSpec, id?: string): string {
  const p = route.id ? route.path.replace(":id", encodeURIComponent(id ?? "missing")) : route.path;
  return route.query ? `${p}?${route.query}` : p;
}

export function idFor(route: RouteSpec, f: Fixture): string | undefined {
  switch (route.id) {
    case "webhook":
      return f.webhookId;
    case "delivery":
      return f.deliveryId;
    case "apiKey":
      return f.apiKeyId;
    case "program":
      return f.programId;
    case "conversion":
      return f.conversionId;
    case "event":
      return f.eventId;
    default:
      return undefined;
  }
}

/** An id of the right shape that names nothing. */
export function unknownIdFor(kind: IdKind): string {
  const prefix = { webhook: "wh", delivery: "dlv", apiKey: "key", program: "prg", conversion: "conv", event: "evt" }[kind];
  return `${prefix}_${"0".repeat(20)}`;
}

export type Credentials = { cookie?: APIRequestContext; apiKey?: string; headers?: Record<string, string> };

/** Send one request of a route: with a session (its context carries the cookie) and/or an API key. */
export async function send(
  baseURL: string,
  route: Pick<RouteSpec, "method">,
  url: string,
  creds: Credentials,
  body?: { json?: unknown; raw?: string | Buffer },
): Promise<APIResponse> {
  const ctx = creds.cookie ?? (await anonymous(baseURL));
  const headers: Record<string, string> = { ...creds.headers };
  if (creds.apiKey) headers.authorization = `Bearer ${creds.apiKey}`;
  let data: string | Buffer | undefined;
  if (body?.raw !== undefined) {
    data = body.raw;
    headers["content-type"] ??= "application/json";
  } else if (body?.json !== undefined) {
    data = JSON.stringify(body.json);
    headers["content-type"] ??= "application/json";
  }
  return ctx.fetch(url, { method: route.method, headers, data, maxRedirects: 0, failOnStatusCode: false });
}

// One cookie-less context per base URL, reused: creating contexts is not free.
const anonymousContexts = new Map<string, Promise<APIRequestContext>>();
function anonymous(baseURL: string): Promise<APIRequestContext> {
  let ctx = anonymousContexts.get(baseURL);
  if (!ctx) {
    ctx = playwrightRequest.newContext({ baseURL });
    anonymousContexts.set(baseURL, ctx);
  }
  return ctx;
}

/** An account's session and API key. */
export interface Caller {
  user: TestUser;
  api: APIRequestContext;
  key: string;
}

export async function newCaller(baseURL: string, kind: "advertiser" | "affiliate"): Promise<Caller> {
  const { user, api } = await newSession(baseURL, kind);
  return { user, api, key: await createApiKey(api, `${kind} key`) };
}

/**
 * One advertiser with a webhook, a delivery, a spare API key, a program and a pending
 * conversion from an affiliate that applied to it — every id a route in ROUTES can take.
 */
export async function buildFixture(advertiser: Caller, affiliate: Caller): Promise<Fixture> {
  const hook = await advertiser.api.post("/api/webhooks", {
    data: { url: WEBHOOK_URL, events: ["conversion.created", "conversion.approved"], description: "fixture" },
  });
  expect(hook.status(), await hook.text()).toBe(201);
  const webhookId: string = (await hook.json()).id;

  const test = await advertiser.api.post(`/api/webhooks/${webhookId}/test`);
  expect(test.status(), await test.text()).toBe(202);
  const deliveryId: string = (await test.json()).deliveries[0].id;
  const log = await advertiser.api.get(`/api/webhooks/${webhookId}/deliveries?limit=1`);
  expect(log.status(), await log.text()).toBe(200);
  const eventId: string = (await log.json()).data.find((d: { id: string }) => d.id === deliveryId).eventId;

  const key = await advertiser.api.post("/api/api-keys", { data: { name: "spare" } });
  expect(key.status()).toBe(201);
  const apiKeyId: string = (await key.json()).id;

  const program = await advertiser.api.post("/api/v1/programs", {
    headers: { authorization: `Bearer ${advertiser.key}` },
    data: { name: "Fixture program" },
  });
  expect(program.status(), await program.text()).toBe(201);
  const programId: string = (await program.json()).id;

  const applied = await affiliate.api.post(`/api/v1/programs/${programId}/partnerships`, {
    headers: { authorization: `Bearer ${affiliate.key}` },
  });
  expect(applied.status(), await applied.text()).toBe(201);

  const conversionId = await createConversion(advertiser, programId, affiliate.user.accountId);
  return { advertiser: advertiser.user, affiliate: affiliate.user, webhookId, deliveryId, apiKeyId, programId, conversionId, eventId };
}

export async function createConversion(advertiser: Caller, programId: string, affiliateId: string): Promise<string> {
  const res = await advertiser.api.post("/api/v1/conversions", {
    headers: { authorization: `Bearer ${advertiser.key}` },
    data: { programId, affiliateId, amount: 1000 },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).id;
}

/** The methods each route file under app/api exports, as "METHOD /api/path/:id". */
export function declaredRoutes(appDir = path.join(process.cwd(), "app", "api")): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const routePath = "/" + path.relative(path.join(appDir, ".."), dir).split(path.sep).join("/");
        if (FRAMEWORK_ROUTES.some((r) => routePath === r)) continue;
        const source = fs.readFileSync(full, "utf8");
        const methods = new Set<string>();
        for (const m of source.matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)) methods.add(m[1]!);
        // `export const { … } = otherMethods(…)` are the 405 answers for what the file does not serve.
        for (const m of source.matchAll(/export\s+const\s*\{([^}]*)\}\s*=(?!\s*otherMethods\b)/g)) {
          for (const name of m[1]!.split(",").map((s) => s.trim().split(/\s*:\s*/).at(-1)!)) {
            if (/^(GET|POST|PUT|PATCH|DELETE)$/.test(name)) methods.add(name);
          }
        }
        const template = routePath.replace(/\[(\w+)\]/g, ":$1");
        for (const method of methods) found.push(`${method} ${template}`);
      }
    }
  };
  walk(appDir);
  return found.sort();
}
