import { createHash } from "node:crypto";
import { eq, lt } from "drizzle-orm";
import { rateLimited } from "@/lib/api/rate-limit";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db";
import { signInFailures } from "@/lib/db/schema";
import { processSlot } from "@/lib/singleton";

// Per email, a growing delay rather than a lockout: after RATE_LIMIT_SIGNIN_PER_ACCOUNT failures
// in a row, each further attempt must wait (30 s, then twice as long each time, at most 15
// minutes). It always ends by itself, so someone guessing can slow the owner down but never
// lock them out, and a successful sign-in clears it. Each attempt is counted as a failure
// *before* the password is checked (and cleared on success), so parallel guesses cannot all
// slip in before the first failure is written.

const FIRST_DELAY_MS = 30_000;
const MAX_DELAY_MS = 15 * 60_000;
// A run of failures is forgotten after a quiet day.
const FORGET_AFTER_MS = 24 * 60 * 60_000;
const SWEEP_EVERY_MS = 60_000;
const sweptAt = processSlot("signInFailuresSweptAt");

/** How long the attempt after the `failures`-th failure in a row must wait (0: not at all). */
export function delayAfterFailures(failures: number, free: number): number {
  if (free <= 0 || failures < free) return 0;
  return Math.min(FIRST_DELAY_MS * 2 ** Math.min(failures - free, 30), MAX_DELAY_MS);
}

/** Count a sign-in attempt for `email`, or throw 429 while its delay lasts. */
export async function claimSignInAttempt(email: string, now = new Date()): Promise<void> {
  const free = getConfig().rateLimits.signInFailuresPerAccount;
  if (free <= 0) return;
  const db = await getDb();
  await sweepSignInFailures(now);
  const key = keyOf(email);
  await db.transaction(async (tx) => {
    await tx.insert(signInFailures).values({ key, failures: 0, lastFailedAt: now }).onConflictDoNothing();
    const [row] = await tx.select().from(signInFailures).where(eq(signInFailures.key, key)).for("update");
    if (row!.blockedUntil && row!.blockedUntil > now) {
      throw rateLimited(
        "Too many sign-in attempts for this email.",
        Math.max(1, Math.ceil((row!.blockedUntil.getTime() - now.getTime()) / 1000)),
      );
    }
    const forgotten = now.getTime() - row!.lastFailedAt.getTime() > FORGET_AFTER_MS;
    const failures = (forgotten ? 0 : row!.failures) + 1;
    const delay = delayAfterFailures(failures, free);
    await tx
      .update(signInFailures)
      .set({ failures, lastFailedAt: now, blockedUntil: delay ? new Date(now.getTime() + delay) : null })
      .where(eq(signInFailures.key, key));
  });
}

/** The password was right: the run of failures is over. */
export async function clearSignInFailures(email: string): Promise<void> {
  const db = await getDb();
  await db.delete(signInFailures).where(eq(signInFailures.key, keyOf(email)));
}

/** Forget runs of failures older than a day (at most once a minute per process). */
export async function sweepSignInFailures(now = new Date(), force = false): Promise<number> {
  const last = sweptAt.get() ?? 0;
  if (!force && Math.abs(now.getTime() - last) < SWEEP_EVERY_MS) return 0;
  sweptAt.set(now.getTime());
  const db = await getDb();
  const deleted = await db
    .delete(signInFailures)
    .where(lt(signInFailures.lastFailedAt, new Date(now.getTime() - FORGET_AFTER_MS)))
    .returning({ key: signInFailures.key });
  return deleted.length;
}

// Emails are personal: only a hash is stored. Lower-cased, as accounts are.
function keyOf(email: string): string {
  return createHash("sha256").update(email.trim().toLowerCase()).digest("hex");
}
