import { z } from "zod";
import { listOf, prefixedId, timestamp } from "@/lib/api/schemas";
import { idFormat } from "@/lib/ids";

// Text a person typed: trimmed, bounded, and never a NUL (PostgreSQL text cannot hold one).
const label = (max: number, message: string) =>
  z.string().trim().min(1, message).max(max).regex(/^[^\u0000]*$/, "Must not contain NUL characters.");

export const createProgramInput = z.object({
  name: label(200, "Name the program."),
  // Percent with two decimals, as the column stores it.
  commissionRate: z
    .number("Give the commission as a percent, e.g. 12.5.")
    .min(0, "Use a percent between 0 and 100.")
    .max(100, "Use a percent between 0 and 100.")
    .transform((v) => Math.round(v * 100) / 100)
    .optional(),
});
export type CreateProgramInput = z.infer<typeof createProgramInput>;

export const listProgramsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(100),
});
export type ListProgramsQuery = z.infer<typeof listProgramsQuery>;

/** The shape of our ids; a path id that is not one cannot name a program, so it is a 404. */
export const programIdFormat = idFormat("program");
export const programId = z.string().regex(programIdFormat, "Not a program id (prg_…).");

// Responses (serializers return `z.input`; see lib/api/schemas.ts).
export const programResponse = z
  .object({
    id: prefixedId("prg"),
    advertiserId: prefixedId("acct", "The advertiser that owns the program."),
    name: z.string(),
    commissionRate: z.number().nullable().meta({ description: "Percent, two decimals, e.g. 12.5." }),
    createdAt: timestamp,
  })
  .meta({ id: "Program" });

export const programList = listOf(programResponse, "Programs, newest first.");
