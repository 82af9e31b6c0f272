import "server-only";
import { and, desc, eq, not, sql } from "drizzle-orm";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db";
import { cliListeners, type CliListener } from "@/lib/db/schema";
import { idFormat, newId } from "@/lib/ids";

// Who is running `partnersmy listen`: one row per session, kept alive by the stream's heartbeat
// (so every instance sees the same sessions). A session the client ends is deleted at once; one
// whose instance died stops counting once it misses a few heartbeats.

/** Missed heartbeats after which a session no longer counts as connected. */
const MISSED_HEARTBEATS = 3;
/** Rows this stale are deleted whenever a session opens. */
const SWEEP_AFTER_MS = 3_600_000;

// The database's clock, not this instance's: instances' clocks may differ.
const seenWithin = (ms: number) => sql`${cliListeners.lastSeenAt} > now() - make_interval(secs => ${ms / 1000})`;

/**
 * A session for a new stream. A reconnecting client passes the id it was given, so a resumed
 * stream stays one session; an id that is not the caller's own starts a new one.
 */
export async function openListener(input: {
  accountId: string;
  apiKeyId: string;
  events: string[] | null;
  resumeId?: string;
}): Promise<string> {
  const db = await getDb();
  await db.delete(cliListeners).where(and(eq(cliListeners.accountId, input.accountId), not(seenWithin(SWEEP_AFTER_MS))));
  if (input.resumeId && idFormat("listener").test(input.resumeId)) {
    const resumed = await db
      .update(cliListeners)
      .set({ lastSeenAt: sql`now()`, events: input.events, apiKeyId: input.apiKeyId })
      .where(and(eq(cliListeners.id, input.resumeId), eq(cliListeners.accountId, input.accountId)))
      .returning({ id: cliListeners.id });
    if (resumed[0]) return resumed[0].id;
  }
  const id = newId("listener");
  await db.insert(cliListeners).values({ id, accountId: input.accountId, apiKeyId: input.apiKeyId, events: input.events });
  return id;
}

/** The heartbeat: this session is still streaming. */
export async function touchListener(accountId: string, id: string): Promise<void> {
  const db = await getDb();
  await db
    .update(cliListeners)
    .set({ lastSeenAt: sql`now()` })
    .where(and(eq(cliListeners.id, id), eq(cliListeners.accountId, accountId)));
}

/** The client went away: the session ends now rather than when it goes stale. */
export async function closeListener(accountId: string, id: string): Promise<void> {
  const db = await getDb();
  await db.delete(cliListeners).where(and(eq(cliListeners.id, id), eq(cliListeners.accountId, accountId)));
}

/** The account's sessions that sent a heartbeat lately, newest first. */
export async function listConnectedListeners(accountId: string): Promise<CliListener[]> {
  const db = await getDb();
  return db
    .select()
    .from(cliListeners)
    .where(and(eq(cliListeners.accountId, accountId), seenWithin(MISSED_HEARTBEATS * getConfig().eventStream.heartbeatMs)))
    .orderBy(desc(cliListeners.connectedAt));
}
