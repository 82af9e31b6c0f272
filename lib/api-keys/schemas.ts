import { z } from "zod";

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1, "Name the key so you can tell it apart later.").max(100),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeyInput>;
