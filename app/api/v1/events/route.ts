import { parseParams } from "@/lib/api/body";
import { withApiKey } from "@/lib/api/handlers";
import { otherMethods } from "@/lib/api/not-found";
import { listEvents } from "@/lib/events/events";
import { listEventsQuery } from "@/lib/events/schemas";

// GET /api/v1/events?type=&after=&before=&deliveryStatus=&q=&limit=&cursor= — the account's events,
// newest first, within retention, each with a per-endpoint delivery summary
export const GET = withApiKey(async (req, { account }) => {
  const query = parseParams(listEventsQuery, Object.fromEntries(new URL(req.url).searchParams));
  return Response.json(await listEvents(account.id, query));
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
