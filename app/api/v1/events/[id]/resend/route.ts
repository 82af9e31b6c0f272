import { readJson } from "@/lib/api/body";
import { withApiKey } from "@/lib/api/handlers";
import { otherMethods } from "@/lib/api/not-found";
import { resendEvent } from "@/lib/events/resend";
import { resendEventInput } from "@/lib/events/schemas";

// POST /api/v1/events/:id/resend {webhookId?} — the event again, as a new delivery (new webhook-id)
// to that endpoint or to every enabled endpoint subscribed to its type
export const POST = withApiKey<{ id: string }>(async (req, { account, params }) => {
  const input = await readJson(req, resendEventInput);
  return Response.json(await resendEvent(account.id, params.id, input), { status: 202 });
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
