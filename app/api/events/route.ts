import { parseParams } from "@/lib/api/body";
import { withSession } from "@/lib/api/handlers";
import { otherMethods } from "@/lib/api/not-found";
import { listEvents } from "@/lib/events/events";
import { listEventsQuery } from "@/lib/events/schemas";

// GET /api/events?type=&after=&before=&deliveryStatus=&q=&limit=&cursor= — the dashboard's twin
// of /api/v1/events: the account's events newest first, within retention, with a per-endpoint summary
export const GET = withSession(async (req, { account }) => {
  const query = parseParams(listEventsQuery, Object.fromEntries(new URL(req.url).searchParams));
  return Response.json(await listEvents(account.id, query));
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
