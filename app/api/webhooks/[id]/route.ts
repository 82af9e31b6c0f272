import { readJson } from "@/lib/api/body";
import { withSession } from "@/lib/api/handlers";
import { updateWebhookInput } from "@/lib/webhooks/schemas";
import { deleteWebhook, getWebhook, updateWebhook } from "@/lib/webhooks/webhooks";
import { otherMethods } from "@/lib/api/not-found";

// GET /api/webhooks/:id — one endpoint, with `heldDeliveries` while it is disabled
export const GET = withSession<{ id: string }>(async (_req, { account, params }) => {
  return Response.json(await getWebhook(account.id, params.id));
});

// PATCH /api/webhooks/:id — any subset of the create fields; `enabled: true` sends the held
// deliveries, unless `discardHeld: true` marks them failed instead
export const PATCH = withSession<{ id: string }>(async (req, { account, params }) => {
  const input = await readJson(req, updateWebhookInput);
  return Response.json(await updateWebhook(account.id, params.id, input));
});

// DELETE /api/webhooks/:id — the endpoint, its secrets and its delivery log
export const DELETE = withSession<{ id: string }>(async (_req, { account, params }) => {
  await deleteWebhook(account.id, params.id);
  return new Response(null, { status: 204 });
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { POST, PUT, OPTIONS } = otherMethods("GET", "PATCH", "DELETE");
