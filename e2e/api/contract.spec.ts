import { expect, test, type APIResponse } from "@playwright/test";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { startReceiver, type Receiver } from "@/lib/testing/receiver";
import {
  ROUTES,
  WEBHOOK_URL,
  buildFixture,
  createConversion,
  idFor,
  newCaller,
  pathFor,
  routeName,
  send,
  unknownIdFor,
  type Caller,
  type Credentials,
  type Fixture,
  type RouteSpec,
} from "../support/routes";

// The contract test: every operation of the served /api/openapi.json is called for real against
// the production server, with each kind of credential, and every answer — success and error
// envelope — is validated against the schema the document gives for that status (ajv, JSON
// Schema 2020-12). So is every event a real receiver gets, against the document's `webhooks`.
// The document is generated from the same zod schemas the serializers are typed by, so a field
// renamed or retyped in one place only fails here.

type Json = Record<string, unknown>;
const ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

let doc: Json;
let ajv: Ajv2020;
let owner: Caller; // advertiser: owns everything in `fixture`
let affiliate: Caller; // applied to owner's program
let fixture: Fixture;
let receiver: Receiver;
let victim: Receiver | undefined;
let receivedBodies: Array<{ event: string; body: unknown; headerEvent: string | undefined }>;

/** `/api/webhooks/:id` ↔ `/api/webhooks/{id}` (the parameter's name may differ). */
const template = (p: string) => p.replace(/\{[^}]+\}|:[a-zA-Z]+/g, "{}");
const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
const documentedPath = (route: RouteSpec) => Object.keys(doc.paths as Json).find((p) => template(p) === template(route.path));

const validators = new Map<string, ValidateFunction>();
/** A validator for the schema at a JSON pointer into the served document (its $refs resolve there). */
function validatorAt(path: string): ValidateFunction {
  let validate = validators.get(path);
  if (!validate) {
    validate = ajv.compile({ $ref: `openapi.json#/${path}` });
    validators.set(path, validate);
  }
  return validate;
}

/** The answer's status is documented for the operation, and its body fits that status's schema. */
async function expectDocumented(route: RouteSpec, res: APIResponse, status?: number) {
  const text = await res.text();
  if (status !== undefined) expect(res.status(), `${routeName(route)} → ${text.slice(0, 300)}`).toBe(status);
  const path = documentedPath(route)!;
  const responses = ((doc.paths as Json)[path] as Json)[route.method.toLowerCase()] as { responses: Record<string, Json> };
  const documented = responses.responses[String(res.status())];
  expect(documented, `${routeName(route)} documents status ${res.status()}`).toBeDefined();
  const content = documented!.content as Json | undefined;
  if (!content) {
    expect(text, `${routeName(route)} ${res.status()} has no documented body`).toBe("");
    return;
  }
  expect(res.headers()["content-type"]).toContain("application/json");
  const validate = validatorAt(pointer("paths", path, route.method.toLowerCase(), "responses", String(res.status()), "content", "application/json", "schema"));
  const body: unknown = JSON.parse(text);
  expect(validate(body), `${routeName(route)} ${res.status()}: ${JSON.stringify(validate.errors)}\n${text.slice(0, 500)}`).toBe(true);
  return body;
}

/** Not an operation of the document: the answer is still the error envelope. */
async function expectEnvelope(res: APIResponse, status: number) {
  const text = await res.text();
  expect(res.status(), `${res.url()} → ${text.slice(0, 300)}`).toBe(status);
  expect(res.headers()["content-type"]).toContain("application/json");
  const validate = validatorAt(pointer("components", "schemas", "Error"));
  const body: unknown = JSON.parse(text);
  expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  return body as { error: { code: string } };
}

test.beforeAll(async ({ baseURL, request }) => {
  test.setTimeout(120_000);
  const res = await request.get("/api/openapi.json");
  expect(res.status()).toBe(200);
  doc = await res.json();
  ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  ajv.addSchema(doc, "openapi.json");

  [owner, affiliate] = await Promise.all([newCaller(baseURL!, "advertiser"), newCaller(baseURL!, "affiliate")]);

  // A real receiver gets one delivery of each event type, on an endpoint subscribed to all.
  receiver = await startReceiver();
  const hook = await owner.api.post("/api/webhooks", {
    data: { url: receiver.url, events: Object.keys(doc.webhooks as Json), description: "contract receiver" },
  });
  expect(hook.status(), await hook.text()).toBe(201);
  const { id: receiverWebhookId, secret } = await hook.json();
  receiver.setSecrets([secret]);

  fixture = await buildFixture(owner, affiliate); // partnership.created, conversion.created
  const approve = await owner.api.post(`/api/v1/conversions/${fixture.conversionId}/approve`, { headers: { authorization: `Bearer ${owner.key}` } });
  expect(approve.status(), await approve.text()).toBe(200);
  const rejected = await createConversion(owner, fixture.programId, affiliate.user.accountId);
  const reject = await owner.api.post(`/api/v1/conversions/${rejected}/reject`, {
    headers: { authorization: `Bearer ${owner.key}` },
    data: { reason: "refunded" },
  });
  expect(reject.status(), await reject.text()).toBe(200);

  // The operational events, for real: a second endpoint of the owner fails every retry of a
  // delivery (endpoint.failing), accepts the next (endpoint.recovered), then answers 410 Gone
  // (endpoint.disabled); the receiver above, subscribed to all, gets each notice. Each step waits
  // for the notice about this endpoint: the fixture's endpoint at a closed port fails too and
  // sends its own endpoint.failing, which says nothing about the victim's state.
  victim = await startReceiver();
  const victimHook = await owner.api.post("/api/webhooks", { data: { url: victim.url, events: ["conversion.created"], description: "failing on purpose" } });
  expect(victimHook.status(), await victimHook.text()).toBe(201);
  const victimId: string = (await victimHook.json()).id;
  const noticeAbout = (webhookId: string, event: string) => () =>
    receiver.received.some((r) => {
      const body = JSON.parse(r.body);
      return body.event === event && body.data.id === webhookId;
    });
  for (const [answer, event] of [
    [500, "endpoint.failing"],
    [200, "endpoint.recovered"],
    [410, "endpoint.disabled"],
  ] as const) {
    victim.respondWith({ status: answer, body: String(answer) });
    await createConversion(owner, fixture.programId, affiliate.user.accountId);
    await expect.poll(noticeAbout(victimId, event), { message: `${event} about the victim reached the receiver`, timeout: 30_000 }).toBe(true);
  }

  // The first delivery of each event type (conversion.created comes more than once).
  const events = Object.keys(doc.webhooks as Json);
  const firstOfEach = () => events.map((e) => receiver.received.find((r) => JSON.parse(r.body).event === e));
  await expect.poll(() => firstOfEach().filter(Boolean).length, { timeout: 30_000 }).toBe(events.length);
  receivedBodies = firstOfEach().map((r) => ({ event: JSON.parse(r!.body).event, body: JSON.parse(r!.body), headerEvent: r!.headers["x-webhook-event"] as string | undefined }));
  for (const r of firstOfEach()) expect(r!.signatureValid, `signature of ${r!.webhookId}`).toEqual([true]);

  // A delivery that has finished (succeeded), so replaying it is allowed (a pending one is 409).
  await expect
    .poll(async () => {
      const page = await (await owner.api.get(`/api/webhooks/${receiverWebhookId}/deliveries?status=succeeded&limit=1`)).json();
      return page.data[0]?.id as string | undefined;
    }, { timeout: 30_000 })
    .toBeTruthy();
  const page = await (await owner.api.get(`/api/webhooks/${receiverWebhookId}/deliveries?status=succeeded&limit=1`)).json();
  fixture = { ...fixture, conversionId: await createConversion(owner, fixture.programId, affiliate.user.accountId), deliveryId: page.data[0].id };
});

test.afterAll(async () => {
  await receiver?.close();
  await victim?.close();
});

const ownCaller = (r: RouteSpec) => (r.caller === "affiliate" ? affiliate : owner);
const bodyOf = (r: RouteSpec) => (r.body ? { json: r.body(fixture) } : undefined);
function credentials(route: RouteSpec, kind: "session" | "apiKey", baseURL: string): Credentials {
  const me = ownCaller(route);
  return kind === "session" ? { cookie: me.api, headers: { origin: baseURL, "sec-fetch-site": "same-origin" } } : { apiKey: me.key };
}

async function throwAwayTarget(route: RouteSpec): Promise<string | undefined> {
  if (!route.destructive) return idFor(route, fixture);
  switch (route.id) {
    case "apiKey":
      return (await (await owner.api.post("/api/api-keys", { data: { name: "throw-away" } })).json()).id;
    case "webhook":
      return (await (await owner.api.post("/api/webhooks", { data: { url: WEBHOOK_URL, events: ["conversion.created"] } })).json()).id;
    case "conversion":
      return createConversion(owner, fixture.programId, affiliate.user.accountId);
    case "program": {
      const res = await owner.api.post("/api/v1/programs", { headers: { authorization: `Bearer ${owner.key}` }, data: { name: "Fresh" } });
      return (await res.json()).id;
    }
    default:
      throw new Error(`no throw-away target for ${routeName(route)}`);
  }
}

test("the route table is exactly the document's operations", () => {
  const documented = Object.entries(doc.paths as Record<string, Json>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${template(p)}`));
  expect(ROUTES.map((r) => `${r.method} ${template(r.path)}`).sort()).toEqual(documented.sort());
});

for (const route of ROUTES) {
  test(`${routeName(route)}: every answer fits the document`, async ({ baseURL }) => {
    // With each kind of credential: its own gets the documented success, the other a documented 401.
    const kinds = route.auth === "public" ? (["none"] as const) : (["session", "apiKey"] as const);
    for (const kind of kinds) {
      const creds = kind === "none" ? {} : credentials(route, kind, baseURL!);
      const id = await throwAwayTarget(route);
      const res = await send(baseURL!, route, pathFor(route, id), creds, bodyOf(route));
      await expectDocumented(route, res, kind === "none" || kind === route.auth ? route.ok : 401);
    }
    if (route.auth === "public") return;
    const mine = credentials(route, route.auth, baseURL!);

    // No credentials at all.
    await expectDocumented(route, await send(baseURL!, route, pathFor(route, idFor(route, fixture)), {}, bodyOf(route)), 401);
    // An id that names nothing.
    if (route.id) await expectDocumented(route, await send(baseURL!, route, pathFor(route, unknownIdFor(route.id)), mine, bodyOf(route)), 404);
    // A body that is not JSON, and one that is JSON of the wrong shape.
    if (route.json) {
      const url = pathFor(route, idFor(route, fixture));
      await expectDocumented(route, await send(baseURL!, route, url, mine, { raw: Buffer.from("{not json") }), 400);
      await expectDocumented(route, await send(baseURL!, route, url, mine, { raw: Buffer.from('"a string, not an object"') }), 422);
    }
  });
}

test("every documented path answers the methods it does not serve with 405, Allow and the envelope", async ({ request }) => {
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Json>)) {
    const served = Object.keys(ops).map((m) => m.toUpperCase());
    const allow = [...new Set([...served, ...(served.includes("GET") ? ["HEAD"] : []), "OPTIONS"])].sort().join(", ");
    const url = path.replace(/\{[^}]+\}/g, "x_0");
    for (const method of ALL_METHODS) {
      if (served.includes(method) || (method === "HEAD" && served.includes("GET"))) continue;
      const res = await request.fetch(url, { method, maxRedirects: 0, failOnStatusCode: false });
      if (method === "OPTIONS") {
        expect(res.status(), `OPTIONS ${path}`).toBe(204);
      } else if (method === "HEAD") {
        expect(res.status(), `HEAD ${path}`).toBe(405); // no body, by definition
      } else {
        const { error } = await expectEnvelope(res, 405);
        expect(error.code).toBe("method_not_allowed");
      }
      expect(res.headers()["allow"], `${method} ${path}`).toBe(allow);
    }
  }
});

test("a path no route serves answers 404 in the envelope, whatever the method", async ({ baseURL }) => {
  for (const [method, url] of [
    ["GET", "/api/v1/nope"],
    ["POST", "/api/nope/deeper/still"],
    ["DELETE", "/api/webhooks/wh_0/nope"],
    ["PATCH", "/api/v1"],
  ] as const) {
    const { error } = await expectEnvelope(await send(baseURL!, { method }, url, {}), 404);
    expect(error.code).toBe("not_found");
  }
});

test("every event a real delivery carries fits the document's webhooks section and /api/v1/event-types", async ({ request }) => {
  const webhooks = doc.webhooks as Record<string, Json>;
  expect(receivedBodies.map((r) => r.event).sort()).toEqual(Object.keys(webhooks).sort());
  const types = await request.get("/api/v1/event-types", { headers: { authorization: `Bearer ${owner.key}` } });
  expect(types.status()).toBe(200);
  const catalogue: Array<{ name: string; schema: Json; sample: unknown }> = (await types.json()).data;
  for (const { event, body, headerEvent } of receivedBodies) {
    expect(headerEvent).toBe(event);
    const validate = validatorAt(pointer("webhooks", event, "post", "requestBody", "content", "application/json", "schema"));
    expect(validate(body), `${event}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(body)}`).toBe(true);
    const entry = catalogue.find((t) => t.name === event);
    const fromCatalogue = ajv.compile(entry!.schema);
    expect(fromCatalogue(body), `${event} (event-types): ${JSON.stringify(fromCatalogue.errors)}`).toBe(true);
    // Exactly the documented fields: nothing the docs do not name, nothing they require missing.
    const properties = (((doc.components as Json).schemas as Json)[`${event.split(/[._]/).map((w) => w[0]!.toUpperCase() + w.slice(1)).join("")}Event`] as { properties: { data: { properties: Json } } }).properties.data.properties;
    expect(Object.keys((body as { data: Json }).data).sort()).toEqual(Object.keys(properties).sort());
  }
});
