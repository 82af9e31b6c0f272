import { withSession } from "@/lib/api/handlers";
import { replayDelivery } from "@/lib/webhooks/delivery-log";
import { otherMethods } from "@/lib/api/not-found";

// POST /api/webhooks/:deliveryId/replay — the same delivery (same webhook-id) is sent again
// with a fresh budget. The segment is named [id] because it shares its level with
// /api/webhooks/:id; here it holds a delivery id (dlv_…).
export const POST = withSession<{ id: string }>(async (_req, { account, params }) => {
  return Response.json({ delivery: await replayDelivery(account.id, params.id) }, { status: 202 });
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
