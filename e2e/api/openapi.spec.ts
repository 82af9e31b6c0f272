import { expect, test } from "@playwright/test";

// The OpenAPI document is public JSON describing the routes, their auth and the webhook events.

test("/api/openapi.json is an OpenAPI 3.1 document with the key paths, security and webhooks", async ({ request }) => {
  const res = await request.get("/api/openapi.json");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("application/json");
  const doc = await res.json();

  expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
  for (const [path, method] of [
    ["/api/webhooks", "post"],
    ["/api/webhooks/{id}", "patch"],
    ["/api/webhooks/{id}/rotate-secret", "put"],
    ["/api/webhooks/{id}/deliveries", "get"],
    ["/api/webhooks/{deliveryId}/replay", "post"],
    ["/api/webhooks/retry-failed", "post"],
    ["/api/v1/webhooks/test", "post"],
    ["/api/v1/conversions", "post"],
    ["/api/v1/programs/{id}/partnerships", "post"],
  ]) {
    expect(doc.paths[path!]?.[method!], `${method} ${path}`).toBeDefined();
  }
  expect(doc.paths["/api/webhooks"].post.security).toEqual([{ sessionCookie: [] }]);
  expect(doc.paths["/api/v1/conversions"].post.security).toEqual([{ bearerApiKey: [] }, { apiKeyHeader: [] }]);
  expect(doc.paths["/api/webhooks"].post.requestBody.content["application/json"].schema.$ref).toBe("#/components/schemas/CreateWebhookInput");
  expect(doc.components.schemas.CreateWebhookInput.required).toEqual(["url", "events"]);
  expect(doc.paths["/api/webhooks"].post.responses["422"].content["application/json"].schema.$ref).toBe("#/components/schemas/Error");
  expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["apiKeyHeader", "bearerApiKey", "sessionCookie"]);

  expect(Object.keys(doc.webhooks).sort()).toEqual([
    "conversion.approved",
    "conversion.created",
    "conversion.rejected",
    "endpoint.disabled",
    "endpoint.failing",
    "endpoint.recovered",
    "partnership.created",
  ]);
  const created = doc.webhooks["conversion.created"].post;
  expect(created.requestBody.content["application/json"].example).toMatchObject({ event: "conversion.created" });
  expect(created.parameters.map((p: { name: string }) => p.name)).toEqual(
    expect.arrayContaining(["X-Webhook-Signature", "webhook-id", "webhook-timestamp", "webhook-signature"]),
  );
});
