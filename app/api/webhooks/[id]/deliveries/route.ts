import { parseParams } from "@/lib/api/body";
import { withSession } from "@/lib/api/handlers";
import { listDeliveries } from "@/lib/webhooks/delivery-log";
import { listDeliveriesQuery } from "@/lib/webhooks/schemas";
import { otherMethods } from "@/lib/api/not-found";

// GET /api/webhooks/:id/deliveries?status=&event=&limit=&cursor= — newest first, with attempts
export const GET = withSession<{ id: string }>(async (req, { account, params }) => {
  const query = parseParams(listDeliveriesQuery, Object.fromEntries(new URL(req.url).searchParams));
  return Response.json(await listDeliveries(account.id, params.id, query));
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
