import { revokeApiKey } from "@/lib/api-keys/api-keys";
import { withSession } from "@/lib/api/handlers";

// DELETE /api/api-keys/:id — revoke; the key stops working at once
export const DELETE = withSession<{ id: string }>(async (_req, { account, params }) => {
  await revokeApiKey(account.id, params.id);
  return new Response(null, { status: 204 });
});
