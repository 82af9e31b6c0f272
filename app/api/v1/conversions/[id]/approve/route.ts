import { withApiKey } from "@/lib/api/handlers";
import { approveConversion, serializeConversion } from "@/lib/conversions/conversions";

// POST /api/v1/conversions/:id/approve — the program's advertiser approves a pending conversion; emits conversion.approved
export const POST = withApiKey<{ id: string }>(async (_req, { account, params }) => {
  const conversion = await approveConversion(account, params.id);
  return Response.json(serializeConversion(conversion));
});
