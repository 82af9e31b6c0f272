import { and, eq, lt, sql } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { revokedSessions, users } from "@/lib/db/schema";

// Session cookies are signed JWTs that the server does not store, so ending one needs a record:
// signing out adds the session's id to revoked_sessions (until the cookie would have expired
// anyway), and "sign out everywhere" moves users.sessions_valid_after to now. Every check of a
// session — withSession, auth() in pages and actions, and the dashboard guard in proxy.ts —
// asks isSessionActive. There is no password change yet; one must call revokeAllSessions.

/**
 * The decoded session JWT. What this reads of it is set at sign-in (auth.config.ts): `userId`,
 * `sid` (a random id of this sign-in) and `signedInAt` (ms; the JWT's own `iat` is whole seconds).
 */
export type SessionClaims = Record<string, unknown>;

/** False for a token from before sessions had ids, of a deleted user, or ended by a sign-out. */
export async function isSessionActive(claims: SessionClaims): Promise<boolean> {
  const { userId, sid, signedInAt } = claims;
  if (typeof userId !== "string" || typeof sid !== "string" || typeof signedInAt !== "number") return false;
  const db = await getDb();
  const [row] = await db
    .select({
      validAfter: users.sessionsValidAfter,
      revoked: sql<boolean>`exists (select 1 from ${revokedSessions} where ${revokedSessions.sessionId} = ${sid})`,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!row || row.revoked) return false;
  return row.validAfter === null || signedInAt >= row.validAfter.getTime();
}

/** Sign-out: this one session ends; the user's other sessions (other browsers) go on. */
export async function revokeSession(claims: SessionClaims, now = new Date()): Promise<void> {
  const { userId, sid } = claims;
  if (typeof userId !== "string" || typeof sid !== "string") return;
  const expiresAt = typeof claims.exp === "number" ? new Date(claims.exp * 1000) : new Date(now.getTime() + 7 * 86_400_000);
  const db = await getDb();
  await db.transaction(async (tx) => {
    // The user's own expired records go here, so the table never needs a sweeper.
    await tx.delete(revokedSessions).where(and(eq(revokedSessions.userId, userId), lt(revokedSessions.expiresAt, now)));
    await tx.insert(revokedSessions).values({ sessionId: sid, userId, expiresAt }).onConflictDoNothing();
  });
}

/** "Sign out everywhere" (and what a password change must do): every session so far ends. */
export async function revokeAllSessions(userId: string, now = new Date()): Promise<void> {
  const db = await getDb();
  await db.update(users).set({ sessionsValidAfter: now }).where(eq(users.id, userId));
}
