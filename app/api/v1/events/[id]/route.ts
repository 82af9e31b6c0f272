import { withApiKey } from "@/lib/api/handlers";
import { otherMethods } from "@/lib/api/not-found";
import { getEvent } from "@/lib/events/events";

// GET /api/v1/events/:id — one event with every delivery of it to the account's endpoints
export const GET = withApiKey<{ id: string }>(async (_req, { account, params }) => {
  return Response.json(await getEvent(account.id, params.id));
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
