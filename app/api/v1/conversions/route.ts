import { readJson } from "@/lib/api/body";
import { withApiKey } from "@/lib/api/handlers";
import { respondIdempotently } from "@/lib/api/idempotency";
import { createConversion, serializeConversion } from "@/lib/conversions/conversions";
import { createConversionInput } from "@/lib/conversions/schemas";
import { wakeDeliveryEngine } from "@/lib/webhooks/engine";
import { otherMethods } from "@/lib/api/not-found";

// POST /api/v1/conversions — register a conversion; emits conversion.created; honours Idempotency-Key
export const POST = withApiKey(async (req, { account }) => {
  const input = await readJson(req, createConversionInput);
  const scope = { accountId: account.id, scope: "POST /api/v1/conversions", request: input };
  return respondIdempotently(req, scope, async (tx) => {
    const { conversion, deliveryIds } = await createConversion(tx, account, input);
    return { status: 201, body: serializeConversion(conversion), afterCommit: () => wakeDeliveryEngine(deliveryIds) };
  });
});

// Every other method: 405 in the JSON envelope, with Allow.
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
