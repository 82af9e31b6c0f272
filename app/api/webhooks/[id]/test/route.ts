import { withSession } from "@/lib/api/handlers";
import { sendTestEvent } from "@/lib/webhooks/test-event";

// POST /api/webhooks/:id/test — the dashboard's "Send test event": a test conversion.created to
// this endpoint only (404 if not the caller's, 409 if disabled); same domain function as /api/v1.
export const POST = withSession<{ id: string }>(async (_req, { account, params }) => {
  return Response.json(await sendTestEvent(account, { webhookId: params.id }), { status: 202 });
});
