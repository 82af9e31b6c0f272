import { desc, eq } from "drizzle-orm";
import { ApiError } from "@/lib/api/errors";
import { getDb, type Queryable } from "@/lib/db";
import { programs, type Account, type Program } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import type { z } from "zod";
import { programIdFormat, type CreateProgramInput, type ListProgramsQuery, type programResponse } from "./schemas";

export function serializeProgram(program: Program): z.input<typeof programResponse> {
  return {
    id: program.id,
    advertiserId: program.accountId,
    name: program.name,
    commissionRate: program.commissionRate,
    createdAt: program.createdAt,
  };
}

/** Advertisers run programs; an affiliate cannot create one. */
export async function createProgram(account: Account, input: CreateProgramInput): Promise<Program> {
  if (account.kind !== "advertiser") {
    throw new ApiError("forbidden", "Only advertiser accounts can create programs; affiliates apply to them.");
  }
  const db = await getDb();
  const [program] = await db
    .insert(programs)
    .values({ id: newId("program"), accountId: account.id, name: input.name, commissionRate: input.commissionRate ?? null })
    .returning();
  return program!;
}

/** Every program, newest first: the catalogue affiliates browse to find one to apply to. */
export async function listPrograms(query: ListProgramsQuery): Promise<Program[]> {
  const db = await getDb();
  return db.select().from(programs).orderBy(desc(programs.createdAt), desc(programs.id)).limit(query.limit);
}

/**
 * A program by id, whoever owns it (programs are public to browse and apply to); callers that
 * act as the owner must check `accountId` themselves. Null for an unknown or malformed id.
 */
export async function findProgram(db: Queryable, id: string): Promise<Program | null> {
  if (!programIdFormat.test(id)) return null;
  const [program] = await db.select().from(programs).where(eq(programs.id, id)).limit(1);
  return program ?? null;
}
