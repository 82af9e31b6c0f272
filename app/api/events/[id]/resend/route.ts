import { readJson } from "@/lib/api/body";
import { withSession } from "@/lib/api/handlers";
import { otherMethods } from "@/lib/api/not-found";
import { resendEvent } from "@/lib/events/resend";
import { resendEventInput } from "@/lib/events/schemas";

// POST /api/events/:id/resend {webhookId?} — the dashboard's twin of /api/v1/events/:id/resend:
// the event again, as a new delivery (new webhook-id) to that endpoint or to every enabled one
// subscribed to its type
export const POST = withSession<{ id: string }>(async (req, { account, params }) => {
  const input = await readJson(req, resendEventInput);
  return Response.json(await resendEvent(account.id, params.id, input), { status: 202 });
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
