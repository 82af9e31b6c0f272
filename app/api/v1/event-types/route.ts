import { withApiKey } from "@/lib/api/handlers";
import { listEventTypes } from "@/lib/openapi/event-types";

// GET /api/v1/event-types — every event we send: name, description, JSON Schema of the body, a sample
export const GET = withApiKey(async () => Response.json({ data: listEventTypes() }));
