import { withSession } from "@/lib/api/handlers";
import { summarizeWebhooks } from "@/lib/webhooks/delivery-log";
import { otherMethods } from "@/lib/api/not-found";

// GET /api/webhooks/stats — per endpoint over the past 24 h: counts, success rate, last delivery
export const GET = withSession(async (_req, { account }) => {
  return Response.json({ data: await summarizeWebhooks(account.id) });
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
