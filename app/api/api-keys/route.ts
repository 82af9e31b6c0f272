import { createApiKey, listApiKeys, serializeApiKey } from "@/lib/api-keys/api-keys";
import { createApiKeyInput } from "@/lib/api-keys/schemas";
import { readJson } from "@/lib/api/body";
import { withSession } from "@/lib/api/handlers";
import { otherMethods } from "@/lib/api/not-found";

// GET /api/api-keys — the account's keys, never their secrets
export const GET = withSession(async (_req, { account }) => {
  const keys = await listApiKeys(account.id);
  return Response.json({ data: keys.map(serializeApiKey) });
});

// POST /api/api-keys — a new key; `key` is in this response only
export const POST = withSession(async (req, { account }) => {
  const input = await readJson(req, createApiKeyInput);
  return Response.json(await createApiKey(account.id, input), { status: 201 });
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET", "POST");
