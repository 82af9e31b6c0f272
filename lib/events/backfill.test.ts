import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The events migration's hand-written backfill (drizzle/0009_events_and_cli_listeners.sql): a
// database migrated up to the migration before it, holding events and deliveries, gets one
// account_events row per (event, account that got a delivery of it) when it is applied. Run on a
// fresh database of its own: a fresh PGlite, or on PostgreSQL a throwaway database beside
// DATABASE_URL's (dropped afterwards).

const MIGRATION = "0009_events_and_cli_listeners";
const root = path.join(process.cwd(), "drizzle");
const journal = JSON.parse(readFileSync(path.join(root, "meta", "_journal.json"), "utf8")) as {
  entries: Array<{ idx: number; tag: string }>;
};
const target = journal.entries.find((e) => e.tag === MIGRATION);

interface Fresh {
  migrate(folder: string): Promise<void>;
  query(text: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

async function freshDatabase(): Promise<Fresh> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const { PGlite } = await import("@electric-sql/pglite");
    const { drizzle } = await import("drizzle-orm/pglite");
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    const client = new PGlite();
    const db = drizzle(client);
    return {
      migrate: (folder) => migrate(db, { migrationsFolder: folder }),
      query: async (text) => (await client.query<Record<string, unknown>>(text)).rows,
      close: () => client.close(),
    };
  }
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  const base = new URL(url);
  const name = `${base.pathname.slice(1)}_backfill_${process.pid}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${name}"`);
  await admin.unsafe(`create database "${name}"`);
  base.pathname = `/${name}`;
  const client = postgres(base.toString(), { max: 1, onnotice: () => {} });
  const db = drizzle(client);
  return {
    migrate: (folder) => migrate(db, { migrationsFolder: folder }),
    query: async (text) => [...(await client.unsafe(text))] as Record<string, unknown>[],
    async close() {
      await client.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists "${name}"`);
      await admin.end({ timeout: 5 });
    },
  };
}

let dir: string;
let fresh: Fresh;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "backfill-"));
  cpSync(root, dir, { recursive: true });
  fresh = await freshDatabase();
});
afterAll(async () => {
  await fresh?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const body = (type: string, data: Record<string, unknown>) =>
  JSON.stringify({ event: type, data, timestamp: "2026-11-30T10:00:00.000Z" });

describe(`migration ${MIGRATION}`, () => {
  it("gives every existing event to the accounts whose endpoints got it, once each, with its search keys", async () => {
    expect(target, `${MIGRATION} in the journal`).toBeDefined();
    // The database as it was before: every migration up to the one before this.
    const journalPath = path.join(dir, "meta", "_journal.json");
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.filter((e) => e.idx < target!.idx) }));
    await fresh.migrate(dir);
    expect(await fresh.query(`select to_regclass('public.account_events') as t`)).toEqual([{ t: null }]);

    await fresh.query(`insert into accounts (id, kind, name) values
      ('acct_adv', 'advertiser', 'Adv'), ('acct_aff', 'affiliate', 'Aff'), ('acct_other', 'advertiser', 'Other')`);
    await fresh.query(`insert into webhooks (id, account_id, url, events) values
      ('wh_adv1', 'acct_adv', 'https://a.example/1', '{conversion.created}'),
      ('wh_adv2', 'acct_adv', 'https://a.example/2', '{conversion.created}'),
      ('wh_aff', 'acct_aff', 'https://b.example/', '{conversion.created}')`);
    const conversion = body("conversion.created", { id: "conv_a", type: "sale", amount: 100, status: "pending", externalId: "order-7" });
    const partnership = body("partnership.created", { id: "ptn_b", type: "partnership", amount: null, status: "pending" });
    const unsent = body("conversion.created", { id: "conv_c", type: "sale", amount: 1, status: "pending" });
    await fresh.query(`insert into events (id, type, body, created_at) values
      ('evt_a', 'conversion.created', '${conversion}', '2026-11-30T10:00:00Z'),
      ('evt_b', 'partnership.created', '${partnership}', '2026-11-30T11:00:00Z'),
      ('evt_c', 'conversion.created', '${unsent}', '2026-11-30T12:00:00Z')`);
    // evt_a: two endpoints of the advertiser and the affiliate's; evt_b: the advertiser's only.
    await fresh.query(`insert into deliveries (id, account_id, webhook_id, event_id, event_type, status, next_attempt_at) values
      ('dlv_1', 'acct_adv', 'wh_adv1', 'evt_a', 'conversion.created', 'succeeded', null),
      ('dlv_2', 'acct_adv', 'wh_adv2', 'evt_a', 'conversion.created', 'failed', null),
      ('dlv_3', 'acct_aff', 'wh_aff', 'evt_a', 'conversion.created', 'pending', now()),
      ('dlv_4', 'acct_adv', 'wh_adv1', 'evt_b', 'partnership.created', 'succeeded', null)`);

    writeFileSync(journalPath, JSON.stringify(journal));
    await fresh.migrate(dir);

    const rows = await fresh.query(`select event_id, account_id, event_type, subject_id, external_id,
        to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as created_at, txid is not null as has_txid
      from account_events order by event_id, account_id`);
    expect(rows).toEqual([
      { event_id: "evt_a", account_id: "acct_adv", event_type: "conversion.created", subject_id: "conv_a", external_id: "order-7", created_at: "2026-11-30T10:00:00Z", has_txid: true },
      { event_id: "evt_a", account_id: "acct_aff", event_type: "conversion.created", subject_id: "conv_a", external_id: "order-7", created_at: "2026-11-30T10:00:00Z", has_txid: true },
      { event_id: "evt_b", account_id: "acct_adv", event_type: "partnership.created", subject_id: "ptn_b", external_id: null, created_at: "2026-11-30T11:00:00Z", has_txid: true },
    ]);

    // A row written after the migration sorts after the backfilled ones in the event stream's order.
    await fresh.query(`insert into account_events (event_id, account_id, event_type, created_at) values ('evt_c', 'acct_other', 'conversion.created', now())`);
    const [order] = await fresh.query(`select (select txid from account_events where event_id = 'evt_c')
      > (select max(txid) from account_events where event_id <> 'evt_c') as later`);
    expect(order).toEqual({ later: true });
  });
});
