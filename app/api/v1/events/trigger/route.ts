import { readJson } from "@/lib/api/body";
import { withApiKey } from "@/lib/api/handlers";
import { otherMethods } from "@/lib/api/not-found";
import { triggerEventInput } from "@/lib/cli/schemas";
import { triggerEvent } from "@/lib/cli/trigger";

// POST /api/v1/events/trigger — a realistic test event of any type, through the normal event path
export const POST = withApiKey(async (req, { account }) => {
  const input = await readJson(req, triggerEventInput);
  return Response.json(await triggerEvent(account, input.event), { status: 202 });
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
