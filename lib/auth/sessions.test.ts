import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/lib/db";
import { randomString } from "@/lib/ids";
import { createTestAccount } from "@/lib/testing/fixtures";
import { isSessionActive, revokeAllSessions, revokeSession } from "./sessions";

// Issue 10 item 2: a sign-out ends that session for good; "sign out everywhere" ends them all.

beforeAll(() => getDb(), 120_000);
afterAll(closeDb);

const sessionOf = (userId: string, signedInAt = Date.now()) => ({ userId, sid: randomString(24), signedInAt, exp: Math.floor(signedInAt / 1000) + 7 * 86_400 });

describe("sessions", () => {
  it("a signed-out session stays ended; the same user's other sessions go on", async () => {
    const { user } = await createTestAccount("advertiser");
    const laptop = sessionOf(user.id);
    const phone = sessionOf(user.id);
    expect(await isSessionActive(laptop)).toBe(true);
    await revokeSession(laptop);
    await revokeSession(laptop); // twice is harmless
    expect(await isSessionActive(laptop)).toBe(false);
    expect(await isSessionActive(phone)).toBe(true);
  });

  it("sign out everywhere ends every session that began before it, not the ones after", async () => {
    const { user } = await createTestAccount("affiliate");
    const before = [sessionOf(user.id, Date.now() - 60_000), sessionOf(user.id, Date.now() - 1)];
    const now = new Date();
    await revokeAllSessions(user.id, now);
    for (const s of before) expect(await isSessionActive(s)).toBe(false);
    expect(await isSessionActive(sessionOf(user.id, now.getTime() + 1))).toBe(true);
  });

  it("a token without a session id or sign-in time (from before this check), or of a deleted user, is not a session", async () => {
    const { user } = await createTestAccount("advertiser");
    expect(await isSessionActive({ userId: user.id })).toBe(false);
    expect(await isSessionActive({ userId: user.id, sid: "x" })).toBe(false);
    expect(await isSessionActive({ userId: "usr_nobody", sid: "x", signedInAt: Date.now() })).toBe(false);
  });

  it("signing out clears the user's own expired records", async () => {
    const { user } = await createTestAccount("advertiser");
    const old = { ...sessionOf(user.id), exp: Math.floor(Date.now() / 1000) - 10 };
    await revokeSession(old);
    await revokeSession(sessionOf(user.id));
    const db = await getDb();
    const { revokedSessions } = await import("@/lib/db/schema");
    const { eq } = await import("drizzle-orm");
    const rows = await db.select().from(revokedSessions).where(eq(revokedSessions.userId, user.id));
    expect(rows.map((r) => r.sessionId)).not.toContain(old.sid);
    expect(rows).toHaveLength(1);
  });
});
