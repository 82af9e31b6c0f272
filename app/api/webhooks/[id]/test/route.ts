import { withSession } from "@/lib/api/handlers";
import { sendTestEvent } from "@/lib/webhooks/test-event";
import { otherMethods } from "@/lib/api/not-found";

// POST /api/webhooks/:id/test — the dashboard's "Send test event": a test conversion.created to
// this endpoint only (404 if not the caller's, 409 if disabled); same domain function as /api/v1.
export const POST = withSession<{ id: string }>(async (_req, { account, params }) => {
  return Response.json(await sendTestEvent(account, { webhookId: params.id }), { status: 202 });
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
