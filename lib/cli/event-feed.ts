import "server-only";
import { sql } from "drizzle-orm";
import { ApiError } from "@/lib/api/errors";
import { getDb, resultRows } from "@/lib/db";
import { idFormat } from "@/lib/ids";

// The account's events in commit order, for the event stream. Rows are read by the id of the
// transaction that wrote them (account_events.txid) and only below the oldest transaction still
// running (pg_snapshot_xmin): every row below it is committed (or never will be), so a
// transaction that commits late can never be skipped by a cursor that moved past it. It works
// across instances and restarts because the cursor is data in the database, not in memory.

export interface FeedCursor {
  txid: number;
  eventId: string;
}

export interface FeedEvent {
  id: string;
  type: string;
  body: string;
  cursor: FeedCursor;
}

/** Where a stream starts: after `after` (an event id of the account), else from now on. */
export async function resolveFeedCursor(accountId: string, after: string | undefined): Promise<FeedCursor> {
  const db = await getDb();
  if (after !== undefined) {
    const unknown = new ApiError("unprocessable", "The request is invalid; see details.", {
      fieldErrors: { after: ["`after` / Last-Event-ID names no event of your account (or it is past retention)."] },
      formErrors: [],
    });
    if (!idFormat("event").test(after)) throw unknown;
    const rows = await db.execute(
      sql`select txid::text as txid from account_events where account_id = ${accountId} and event_id = ${after} limit 1`,
    );
    const row = resultRows<{ txid: string }>(rows)[0];
    if (!row) throw unknown;
    return { txid: Number(row.txid), eventId: after };
  }
  const rows = await db.execute(sql`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`);
  // Everything from the oldest running transaction on: what commits after this moment.
  return { txid: Number(resultRows<{ xmin: string }>(rows)[0]!.xmin) - 1, eventId: "" };
}

/** The next events after `cursor` (of `types`, or all), oldest first. */
export async function readFeed(accountId: string, cursor: FeedCursor, types: string[] | null, limit = 100): Promise<FeedEvent[]> {
  const db = await getDb();
  const typeFilter = types ? sql`and ae.event_type = any(${`{${types.join(",")}}`}::text[])` : sql``;
  const rows = await db.execute(sql`
    select e.id, e.type, e.body, ae.txid::text as txid
    from account_events ae join events e on e.id = ae.event_id
    where ae.account_id = ${accountId}
      and (ae.txid, ae.event_id) > (${cursor.txid}::bigint, ${cursor.eventId})
      and ae.txid < (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint
      ${typeFilter}
    order by ae.txid, ae.event_id
    limit ${limit}`);
  return resultRows<{ id: string; type: string; body: string; txid: string }>(rows).map((r) => ({ id: r.id, type: r.type, body: r.body, cursor: { txid: Number(r.txid), eventId: r.id } }));
}
