import { readJson } from "@/lib/api/body";
import { withSession } from "@/lib/api/handlers";
import { rotateSecretInput } from "@/lib/webhooks/schemas";
import { rotateWebhookSecret } from "@/lib/webhooks/webhooks";
import { otherMethods } from "@/lib/api/not-found";

// PUT /api/webhooks/:id/rotate-secret — new secret; the old one keeps signing for the grace period
export const PUT = withSession<{ id: string }>(async (req, { account, params }) => {
  const input = await readJson(req, rotateSecretInput);
  return Response.json(await rotateWebhookSecret(account.id, params.id, input));
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { GET, HEAD, POST, PATCH, DELETE, OPTIONS } = otherMethods("PUT");
