import { withSession } from "@/lib/api/handlers";
import { otherMethods } from "@/lib/api/not-found";
import { listConnectedListeners } from "@/lib/cli/listeners";

// GET /api/cli-listeners — the account's connected `partnersmy listen` sessions (dashboard)
export const GET = withSession(async (_req, { account }) => {
  const rows = await listConnectedListeners(account.id);
  return Response.json({
    data: rows.map((r) => ({ id: r.id, events: r.events, connectedAt: r.connectedAt.toISOString(), lastSeenAt: r.lastSeenAt.toISOString() })),
  });
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("GET");
