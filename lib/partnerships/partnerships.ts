import { and, eq, ne } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { ApiError } from "@/lib/api/errors";
import { getDb, type Queryable } from "@/lib/db";
import { partnerships, type Account, type Partnership, type Program } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { findProgram } from "@/lib/programs/programs";
import { wakeDeliveryEngine } from "@/lib/webhooks/engine";
import type { EventData } from "@/lib/webhooks/events";
import { enqueueEvent } from "@/lib/webhooks/outbox";
import type { z } from "zod";
import type { partnershipResponse } from "./schemas";

export function serializePartnership(partnership: Partnership, program: Program): z.input<typeof partnershipResponse> {
  return {
    id: partnership.id,
    programId: partnership.programId,
    advertiserId: program.accountId,
    affiliateId: partnership.affiliateAccountId,
    status: partnership.status,
    createdAt: partnership.createdAt,
  };
}

/** `data` of partnership.created: the seed's {id, type, amount, status} plus who and where. */
export function partnershipEventData(partnership: Partnership, program: Program): EventData<"partnership.created"> {
  return {
    id: partnership.id,
    type: "partnership",
    amount: null,
    status: partnership.status,
    programId: partnership.programId,
    advertiserId: program.accountId,
    affiliateId: partnership.affiliateAccountId,
    createdAt: partnership.createdAt.toISOString(),
  };
}

/**
 * An affiliate applies to a program: the partnership starts pending, and partnership.created
 * goes to the program's advertiser and to the affiliate, in the same transaction.
 */
export async function applyToProgram(account: Account, programId: string) {
  if (account.kind !== "affiliate") {
    throw new ApiError("forbidden", "Only affiliate accounts can apply to programs.");
  }
  const db = await getDb();
  const { partnership, program, deliveryIds } = await db.transaction(async (tx) => {
    const program = await findProgram(tx, programId);
    if (!program) throw new ApiError("not_found", "Program not found.");
    // The unique (program, affiliate) index decides "applied twice", even for concurrent requests.
    const [partnership] = await tx
      .insert(partnerships)
      .values({ id: newId("partnership"), programId: program.id, affiliateAccountId: account.id })
      .onConflictDoNothing()
      .returning();
    if (!partnership) throw new ApiError("conflict", "You have already applied to this program.");
    const { deliveryIds } = await enqueueEvent(tx, {
      type: "partnership.created",
      data: partnershipEventData(partnership, program),
      recipientAccountIds: [program.accountId, account.id],
    });
    return { partnership, program, deliveryIds };
  });
  await wakeDeliveryEngine(deliveryIds);
  return serializePartnership(partnership, program);
}

/** The affiliate's live (not rejected) partnership with a program, if it applied. */
export async function findActivePartnership(db: Queryable, programId: string, affiliateAccountId: string) {
  const [row] = await db.select().from(partnerships).where(isActivePartnership(programId, affiliateAccountId)).limit(1);
  return row ?? null;
}

/** What "the affiliate applied to the program" means in a query (the program may be a column). */
export function isActivePartnership(programId: string | AnyPgColumn, affiliateAccountId: string) {
  return and(
    eq(partnerships.programId, programId),
    eq(partnerships.affiliateAccountId, affiliateAccountId),
    ne(partnerships.status, "rejected"),
  );
}
