import { readJson } from "@/lib/api/body";
import { withApiKey } from "@/lib/api/handlers";
import { rejectConversion, serializeConversion } from "@/lib/conversions/conversions";
import { rejectConversionInput } from "@/lib/conversions/schemas";
import { otherMethods } from "@/lib/api/not-found";

// POST /api/v1/conversions/:id/reject — the program's advertiser rejects a pending conversion; emits conversion.rejected
export const POST = withApiKey<{ id: string }>(async (req, { account, params }) => {
  const input = await readJson(req, rejectConversionInput);
  const conversion = await rejectConversion(account, params.id, input.reason ?? null);
  return Response.json(serializeConversion(conversion));
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
