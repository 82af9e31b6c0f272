import { withSession } from "@/lib/api/handlers";
import { summarizeWebhooks } from "@/lib/webhooks/delivery-log";

// GET /api/webhooks/stats — per endpoint over the past 24 h: counts, success rate, last delivery
export const GET = withSession(async (_req, { account }) => {
  return Response.json({ data: await summarizeWebhooks(account.id) });
});
