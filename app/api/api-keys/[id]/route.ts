import { revokeApiKey } from "@/lib/api-keys/api-keys";
import { withSession } from "@/lib/api/handlers";
import { otherMethods } from "@/lib/api/not-found";

// DELETE /api/api-keys/:id — revoke; the key stops working at once
export const DELETE = withSession<{ id: string }>(async (_req, { account, params }) => {
  await revokeApiKey(account.id, params.id);
  return new Response(null, { status: 204 });
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { GET, HEAD, POST, PUT, PATCH, OPTIONS } = otherMethods("DELETE");
