import { withApiKey } from "@/lib/api/handlers";
import { listEventTypes } from "@/lib/openapi/event-types";
import { otherMethods } from "@/lib/api/not-found";

// GET /api/v1/event-types — every event we send: name, description, JSON Schema of the body, a sample
export const GET = withApiKey(async () => Response.json({ data: listEventTypes() }));

// Every other method: 405 in the JSON envelope, with Allow.
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
