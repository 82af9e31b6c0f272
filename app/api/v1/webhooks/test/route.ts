import { readJson } from "@/lib/api/body";
import { withApiKey } from "@/lib/api/handlers";
import { sendTestEvent, sendTestEventInput } from "@/lib/webhooks/test-event";
import { otherMethods } from "@/lib/api/not-found";

// POST /api/v1/webhooks/test — send a test conversion.created to the caller's endpoints (or one of them)
export const POST = withApiKey(async (req, { account }) => {
  const input = await readJson(req, sendTestEventInput);
  return Response.json(await sendTestEvent(account, input), { status: 202 });
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
