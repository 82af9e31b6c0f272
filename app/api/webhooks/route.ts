import { readJson } from "@/lib/api/body";
import { withSession } from "@/lib/api/handlers";
import { createWebhookInput } from "@/lib/webhooks/schemas";
import { createWebhook, listWebhooks } from "@/lib/webhooks/webhooks";
import { otherMethods } from "@/lib/api/not-found";

// GET /api/webhooks — the account's endpoints, never a secret
export const GET = withSession(async (_req, { account }) => {
  return Response.json({ data: await listWebhooks(account.id) });
});

// POST /api/webhooks — a new endpoint; its signing `secret` is in this response only
export const POST = withSession(async (req, { account }) => {
  const input = await readJson(req, createWebhookInput);
  return Response.json(await createWebhook(account.id, input), { status: 201 });
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST");
