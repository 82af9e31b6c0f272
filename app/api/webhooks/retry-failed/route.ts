import { readJson } from "@/lib/api/body";
import { withSession } from "@/lib/api/handlers";
import { retryFailedDeliveries } from "@/lib/webhooks/delivery-log";
import { retryFailedInput } from "@/lib/webhooks/schemas";
import { otherMethods } from "@/lib/api/not-found";

// POST /api/webhooks/retry-failed — every failed delivery (of one endpoint, in a window) is sent again
export const POST = withSession(async (req, { account }) => {
  const input = await readJson(req, retryFailedInput);
  return Response.json(await retryFailedDeliveries(account.id, input), { status: 202 });
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
