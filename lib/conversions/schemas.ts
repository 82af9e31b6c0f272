import { z } from "zod";
import { prefixedId, timestamp } from "@/lib/api/schemas";
import { idFormat } from "@/lib/ids";
import { programId } from "@/lib/programs/schemas";

const noNul = /^[^\u0000]*$/;

/** Amounts are integer minor units (cents); the cap keeps them far inside a safe integer. */
export const MAX_AMOUNT = 1_000_000_000_000;

export const createConversionInput = z.object({
  programId,
  affiliateId: z.string().regex(idFormat("account"), "Not an account id (acct_…): use the affiliate's account id."),
  amount: z
    .number("Give the amount in minor units, e.g. 4999 for 49.99.")
    .int("Give the amount in minor units (an integer), e.g. 4999 for 49.99.")
    .min(0, "The amount cannot be negative.")
    .max(MAX_AMOUNT, `The amount cannot exceed ${MAX_AMOUNT} minor units.`),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "Use an ISO 4217 code in upper case, e.g. USD.")
    .default("USD"),
  type: z.enum(["sale", "lead"], "Use sale or lead.").default("sale"),
  externalId: z.string().min(1).max(255).regex(noNul, "Must not contain NUL characters.").nullish(),
});
export type CreateConversionInput = z.infer<typeof createConversionInput>;

export const rejectConversionInput = z.object({
  reason: z.string().trim().min(1).max(500).regex(noNul, "Must not contain NUL characters.").nullish(),
});
export type RejectConversionInput = z.infer<typeof rejectConversionInput>;

/** The shape of our ids; a path id that is not one cannot name a conversion, so it is a 404. */
export const conversionIdFormat = idFormat("conversion");

// Responses (serializers return `z.input`; see lib/api/schemas.ts).
export const conversionResponse = z
  .object({
    id: prefixedId("conv"),
    programId: prefixedId("prg"),
    advertiserId: prefixedId("acct"),
    affiliateId: prefixedId("acct"),
    type: z.enum(["sale", "lead"]),
    amount: z.number().int().meta({ description: "Minor units (4999 = 49.99)." }),
    currency: z.string().meta({ description: "ISO 4217." }),
    status: z.enum(["pending", "approved", "rejected"]),
    externalId: z.string().nullable(),
    rejectionReason: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "Conversion" });
