import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationScratch, type MigrationScratch } from "@/lib/testing/migration-scratch";

// The events migration's hand-written backfill (drizzle/0009_events_and_cli_listeners.sql): a
// database migrated up to the migration before it, holding events and deliveries, gets one
// account_events row per (event, account that got a delivery of it) when it is applied. Run on a
// fresh database of its own: a fresh PGlite, or on PostgreSQL a throwaway database beside
// DATABASE_URL's (dropped afterwards).

const MIGRATION = "0009_events_and_cli_listeners";
let fresh: MigrationScratch;

beforeAll(async () => {
  fresh = await migrationScratch(MIGRATION, "backfill");
});
afterAll(async () => {
  await fresh?.close();
});

const body = (type: string, data: Record<string, unknown>) =>
  JSON.stringify({ event: type, data, timestamp: "2026-11-30T10:00:00.000Z" });

describe(`migration ${MIGRATION}`, () => {
  it("gives every existing event to the accounts whose endpoints got it, once each, with its search keys", async () => {
    expect(fresh.found, `${MIGRATION} in the journal`).toBe(true);
    // The database as it was before: every migration up to the one before this.
    await fresh.migrateBefore();
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

    await fresh.migrateAll();

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
