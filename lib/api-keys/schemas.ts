import { z } from "zod";
import { listOf, prefixedId, timestamp } from "@/lib/api/schemas";

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1, "Name the key so you can tell it apart later.").max(100),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeyInput>;

// Responses (serializers return `z.input`, the dashboard reads `z.infer`; see lib/api/schemas.ts).
export const apiKeyResponse = z
  .object({
    id: prefixedId("key"),
    name: z.string(),
    prefix: z.string().meta({ description: "The first characters of the key, to tell keys apart." }),
    createdAt: timestamp,
    lastUsedAt: timestamp.nullable(),
    revokedAt: timestamp.nullable(),
  })
  .meta({ id: "ApiKey" });

export const apiKeyList = listOf(apiKeyResponse, "The account's API keys, revoked ones included.");

export const createdApiKeyResponse = z
  .object({
    id: prefixedId("key"),
    name: z.string(),
    prefix: z.string(),
    createdAt: timestamp,
    key: z.string().meta({ description: "The key itself. Shown in this response only: store it now." }),
  })
  .meta({ id: "NewApiKey" });
