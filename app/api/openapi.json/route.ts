import { withPublic } from "@/lib/api/handlers";
import { getOpenApiDocument } from "@/lib/openapi/document";
import { otherMethods } from "@/lib/api/not-found";

// Built from code only (routes, zod schemas, event catalogue), so it is rendered at build time.
export const dynamic = "force-static";

// GET /api/openapi.json — the OpenAPI 3.1 document of every route and webhook event (public)
export const GET = withPublic(async () => Response.json(getOpenApiDocument()));

// Every other method: 405 in the JSON envelope, with Allow.
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
