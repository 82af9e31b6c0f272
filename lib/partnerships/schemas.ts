import { z } from "zod";
import { prefixedId, timestamp } from "@/lib/api/schemas";

// Responses (serializers return `z.input`; see lib/api/schemas.ts).
export const partnershipResponse = z
  .object({
    id: prefixedId("ptn"),
    programId: prefixedId("prg"),
    advertiserId: prefixedId("acct"),
    affiliateId: prefixedId("acct"),
    status: z.enum(["pending", "approved", "rejected"]),
    createdAt: timestamp,
  })
  .meta({ id: "Partnership" });
