import { and, eq, sql } from "drizzle-orm";
import { ApiError } from "@/lib/api/errors";
import { getDb, type Tx } from "@/lib/db";
import { conversions, partnerships, programs, type Account, type Conversion } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { isActivePartnership } from "@/lib/partnerships/partnerships";
import { programIdFormat } from "@/lib/programs/schemas";
import { wakeDeliveryEngine } from "@/lib/webhooks/engine";
import type { EventMessage } from "@/lib/webhooks/events";
import { enqueueEvent } from "@/lib/webhooks/outbox";
import type { z } from "zod";
import { conversionIdFormat, type CreateConversionInput, type conversionResponse } from "./schemas";

export function serializeConversion(conversion: Conversion): z.input<typeof conversionResponse> {
  return {
    id: conversion.id,
    programId: conversion.programId,
    advertiserId: conversion.advertiserAccountId,
    affiliateId: conversion.affiliateAccountId,
    type: conversion.type,
    amount: conversion.amount,
    currency: conversion.currency,
    status: conversion.status,
    externalId: conversion.externalId,
    rejectionReason: conversion.rejectionReason,
    createdAt: conversion.createdAt,
    updatedAt: conversion.updatedAt,
  };
}

/**
 * The event a conversion's status announces (pending: created, approved, rejected) and its
 * `data`, the same shape as the catalogue's samples; enqueueEvent checks it against the schema.
 */
export function conversionEvent(conversion: Conversion) {
  const data = {
    id: conversion.id,
    type: conversion.type,
    amount: conversion.amount,
    currency: conversion.currency,
    programId: conversion.programId,
    advertiserId: conversion.advertiserAccountId,
    affiliateId: conversion.affiliateAccountId,
    externalId: conversion.externalId,
    createdAt: conversion.createdAt.toISOString(),
  };
  switch (conversion.status) {
    case "pending":
      return { type: "conversion.created", data: { ...data, status: "pending" } } satisfies EventMessage;
    case "approved":
      return { type: "conversion.approved", data: { ...data, status: "approved" } } satisfies EventMessage;
    case "rejected":
      return {
        type: "conversion.rejected",
        data: { ...data, status: "rejected", rejectionReason: conversion.rejectionReason },
      } satisfies EventMessage;
  }
}

/**
 * The advertiser registers a conversion in one of its programs for an affiliate that applied
 * to it; conversion.created goes to both, in the caller's transaction (so an Idempotency-Key
 * row can commit with it). Returns the deliveries to wake after the commit.
 */
export async function createConversion(tx: Tx, account: Account, input: CreateConversionInput) {
  assertAdvertiser(account, "register conversions");
  const found = await findProgramAndPartnership(tx, input.programId, input.affiliateId);
  const program = found?.program;
  // Another advertiser's program is as unknown to this caller as a program that does not exist.
  if (!program || program.accountId !== account.id) throw new ApiError("not_found", "Program not found.");
  if (!found.applied) {
    const message = "This affiliate has not applied to the program.";
    throw new ApiError("unprocessable", message, { fieldErrors: { affiliateId: [message] }, formErrors: [] });
  }
  const [conversion] = await tx
    .insert(conversions)
    .values({
      id: newId("conversion"),
      programId: program.id,
      advertiserAccountId: account.id,
      affiliateAccountId: input.affiliateId,
      amount: input.amount,
      currency: input.currency,
      type: input.type,
      externalId: input.externalId ?? null,
    })
    .returning();
  const { deliveryIds } = await emitConversionEvent(tx, conversion!);
  return { conversion: conversion!, deliveryIds };
}

/** The program and whether the affiliate applied to it, in one round trip (this is the API's hot path). */
async function findProgramAndPartnership(tx: Tx, programId: string, affiliateId: string) {
  if (!programIdFormat.test(programId)) return null;
  const applied = tx.select({ id: partnerships.id }).from(partnerships).where(isActivePartnership(programs.id, affiliateId));
  const [row] = await tx
    .select({ program: programs, applied: sql<boolean>`exists(${applied})` })
    .from(programs)
    .where(eq(programs.id, programId))
    .limit(1);
  return row ?? null;
}

/** pending → approved; emits conversion.approved. */
export async function approveConversion(account: Account, id: string) {
  return decideConversion(account, id, "approved", null);
}

/** pending → rejected (with an optional reason); emits conversion.rejected. */
export async function rejectConversion(account: Account, id: string, reason: string | null) {
  return decideConversion(account, id, "rejected", reason);
}

// The conditional UPDATE (… where status = 'pending') is the lock: of two concurrent decisions
// exactly one matches a row and emits; the other finds it already decided and gets 409.
async function decideConversion(
  account: Account,
  id: string,
  status: "approved" | "rejected",
  rejectionReason: string | null,
) {
  assertAdvertiser(account, status === "approved" ? "approve conversions" : "reject conversions");
  if (!conversionIdFormat.test(id)) throw conversionNotFound();
  const owned = and(eq(conversions.id, id), eq(conversions.advertiserAccountId, account.id));
  const db = await getDb();
  const { conversion, deliveryIds } = await db.transaction(async (tx) => {
    const [conversion] = await tx
      .update(conversions)
      .set({ status, rejectionReason, updatedAt: new Date() })
      .where(and(owned, eq(conversions.status, "pending")))
      .returning();
    if (!conversion) {
      const [existing] = await tx.select({ status: conversions.status }).from(conversions).where(owned).limit(1);
      if (!existing) throw conversionNotFound();
      throw new ApiError("conflict", `The conversion is already ${existing.status}; only a pending conversion can be ${status}.`);
    }
    const { deliveryIds } = await emitConversionEvent(tx, conversion);
    return { conversion, deliveryIds };
  });
  await wakeDeliveryEngine(deliveryIds);
  return conversion;
}

function emitConversionEvent(tx: Tx, conversion: Conversion) {
  return enqueueEvent(tx, {
    ...conversionEvent(conversion),
    recipientAccountIds: [conversion.advertiserAccountId, conversion.affiliateAccountId],
  });
}

// An affiliate is refused for what it is, whatever the id, so this reveals nothing about rows.
function assertAdvertiser(account: Account, action: string) {
  if (account.kind !== "advertiser") {
    throw new ApiError("forbidden", `Only advertiser accounts can ${action}.`);
  }
}

function conversionNotFound() {
  return new ApiError("not_found", "Conversion not found.");
}
