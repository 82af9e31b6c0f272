import { parseParams } from "@/lib/api/body";
import { withSession } from "@/lib/api/handlers";
import { webhookTimeline } from "@/lib/webhooks/delivery-log";
import { webhookStatsQuery } from "@/lib/webhooks/schemas";
import { otherMethods } from "@/lib/api/not-found";

// GET /api/webhooks/:id/stats?hours=24..720 — deliveries and latency over time, in buckets
export const GET = withSession<{ id: string }>(async (req, { account, params }) => {
  const { hours } = parseParams(webhookStatsQuery, Object.fromEntries(new URL(req.url).searchParams));
  return Response.json(await webhookTimeline(account.id, params.id, hours));
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
