import { withApiKey } from "@/lib/api/handlers";
import { approveConversion, serializeConversion } from "@/lib/conversions/conversions";
import { otherMethods } from "@/lib/api/not-found";

// POST /api/v1/conversions/:id/approve — the program's advertiser approves a pending conversion; emits conversion.approved
export const POST = withApiKey<{ id: string }>(async (_req, { account, params }) => {
  const conversion = await approveConversion(account, params.id);
  return Response.json(serializeConversion(conversion));
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
