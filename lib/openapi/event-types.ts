import type { z } from "zod";
import { EVENT_CATALOGUE, EVENT_TYPES, eventComponentName } from "@/lib/webhooks/events";
import type { eventTypeResponse } from "@/lib/webhooks/schemas";
import { getOpenApiDocument } from "./document";
import { sampleDelivery } from "./events";

// The event catalogue for machines (GET /api/v1/event-types) and the docs page: each event's
// JSON Schema is its component in the OpenAPI document (the one the `webhooks` section points
// at, self-contained), and its sample is the signed example delivery's body.

const JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema";

export function listEventTypes(): Array<z.output<typeof eventTypeResponse>> {
  const schemas = getOpenApiDocument().components?.schemas ?? {};
  return EVENT_TYPES.map((name) => {
    const schema = schemas[eventComponentName(name)];
    if (typeof schema !== "object" || "$ref" in schema) throw new Error(`The OpenAPI document has no schema for ${name}.`);
    return {
      name,
      description: EVENT_CATALOGUE[name].description,
      schema: { $schema: JSON_SCHEMA_DIALECT, ...schema },
      sample: JSON.parse(sampleDelivery(name).body),
    };
  });
}
