import { readJson } from "@/lib/api/body";
import { withApiKey } from "@/lib/api/handlers";
import { sendTestEvent, sendTestEventInput } from "@/lib/webhooks/test-event";

// POST /api/v1/webhooks/test — send a test conversion.created to the caller's endpoints (or one of them)
export const POST = withApiKey(async (req, { account }) => {
  const input = await readJson(req, sendTestEventInput);
  return Response.json(await sendTestEvent(account, input), { status: 202 });
});
