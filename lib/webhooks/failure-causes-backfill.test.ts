import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationScratch, type MigrationScratch } from "@/lib/testing/migration-scratch";
import { disableReason, failure, type StoredCause } from "./failure-causes";

// The cause codes migration's hand-written backfill (drizzle/0012_failure_cause_codes.sql): a
// database migrated up to the migration before it, holding the English text the engine wrote
// then, gets the code and parameters each text stands for (and null for text it does not know).
// The texts are the ones today's code writes for each cause, so the two cannot drift apart
// silently. A fresh database of its own: a fresh PGlite, or a throwaway PostgreSQL database.

const MIGRATION = "0012_failure_cause_codes";
let fresh: MigrationScratch;

beforeAll(async () => {
  fresh = await migrationScratch(MIGRATION, "causes-backfill");
});
afterAll(async () => {
  await fresh?.close();
});

const sql = (s: string) => `'${s.replaceAll("'", "''")}'`;

// Each failure text as the engine writes it, and the cause the backfill must find in it.
const FAILURES: Array<[text: string, cause: StoredCause | null]> = [
  failure("http_status", { status: 503 }),
  failure("timeout", { seconds: 15 }),
  failure("connect_timeout", { host: "hooks.example.com:8443", seconds: 5 }),
  failure("first_byte_timeout", { host: "hooks.example.com", seconds: 10 }),
  failure("connection_refused", { host: "127.0.0.1:4000" }),
  failure("connection_reset", { host: "hooks.example.com" }),
  failure("connection_closed", { host: "hooks.example.com" }),
  failure("dns_failure", { host: "nope.example.com" }),
  failure("unreachable", { host: "10.1.2.3:80" }),
  failure("blocked_address", { host: "127.0.0.1" }, "Refused to connect: 127.0.0.1 is a loopback address; private targets are not allowed"),
  failure(
    "blocked_address",
    { host: "internal.example.com" },
    "Refused to connect: 10.0.0.7 is a private address (internal.example.com resolved to it); private targets are not allowed",
  ),
  failure("redirect_not_followed", { location: "https://elsewhere.example/x" }),
  failure("unsupported_scheme", { scheme: "ftp:" }),
  failure("invalid_url", {}, "Invalid URL: nope"),
  failure("no_answer", {}),
  failure("secret_unreadable", {}),
  failure("headers_unreadable", {}),
  failure("discarded_held", {}),
].map(({ text, cause }) => [text, cause]);
// What it cannot know (a socket error's own words) stays without a code.
FAILURES.push(["EPIPE: write EPIPE", null]);

const REASONS: Array<[text: string, cause: StoredCause | null]> = [
  disableReason("failing_too_long", { windowMs: 3 * 86_400_000, since: "2026-01-12T10:30:00.000Z" }),
  disableReason("failing_too_long", { windowMs: 3_600_000, since: "2026-01-12T10:30:00.000Z" }),
  disableReason("gone", { at: "2026-01-12T10:30:00.000Z" }),
  disableReason("manual", {}),
].map(({ text, cause }) => [text, cause]);
REASONS.push(["Disabled for reasons of its own.", null]);

describe(`migration ${MIGRATION}`, () => {
  it("gives the stored English texts their codes: attempts, deliveries, endpoints and notices still to be mailed", async () => {
    expect(fresh.found, `${MIGRATION} in the journal`).toBe(true);
    await fresh.migrateBefore();

    await fresh.query(`insert into accounts (id, kind, name) values ('acct_a', 'advertiser', 'A')`);
    await fresh.query(`insert into events (id, type, body) values ('evt_a', 'conversion.created', '{}')`);
    const hooks = REASONS.map(([reason], i) => `('wh_${i}', 'acct_a', 'https://a.example/${i}', '{conversion.created}', false, ${sql(reason)}, ${sql(FAILURES[i]![0])})`);
    await fresh.query(`insert into webhooks (id, account_id, url, events, enabled, disabled_reason, last_error) values ${hooks.join(", ")}`);
    await fresh.query(`insert into deliveries (id, account_id, webhook_id, event_id, event_type, status, last_error) values
      ('dlv_a', 'acct_a', 'wh_0', 'evt_a', 'conversion.created', 'failed', ${sql(FAILURES.find(([, c]) => c?.code === "discarded_held")![0])})`);
    const attempts = FAILURES.map(([text], i) => `('att_${i}', 'dlv_a', ${i + 1}, now(), 1, null, ${sql(text)}, '{}')`);
    await fresh.query(`insert into delivery_attempts (id, delivery_id, number, started_at, duration_ms, status_code, error, request_headers)
      values ${attempts.join(", ")}`);
    const details = (error: string, reason: string) => sql(JSON.stringify({ url: "https://a.example/0", lastError: error, disabledReason: reason }));
    await fresh.query(`insert into endpoint_notices (id, account_id, webhook_id, kind, details, completed_at) values
      ('ntc_due', 'acct_a', 'wh_0', 'disabled', ${details(FAILURES[0]![0], REASONS[0]![0])}, null),
      ('ntc_done', 'acct_a', 'wh_0', 'disabled', ${details(FAILURES[0]![0], REASONS[0]![0])}, now())`);

    await fresh.migrateAll();

    const attemptRows = await fresh.query(`select error, error_cause from delivery_attempts order by number`);
    expect(attemptRows.map((r) => [r.error, r.error_cause])).toEqual(FAILURES);
    const hookRows = await fresh.query(`select disabled_reason, disabled_reason_cause, last_error, last_error_cause from webhooks order by id`);
    expect(hookRows.map((r) => [r.disabled_reason, r.disabled_reason_cause])).toEqual(REASONS);
    expect(hookRows.map((r) => [r.last_error, r.last_error_cause])).toEqual(FAILURES.slice(0, REASONS.length));
    const [delivery] = await fresh.query(`select last_error_cause from deliveries`);
    expect(delivery).toEqual({ last_error_cause: { code: "discarded_held", params: {} } });
    const notices = await fresh.query(`select id, details, mailed_locales from endpoint_notices order by id`);
    expect(notices[0]).toMatchObject({ id: "ntc_done", mailed_locales: [] });
    expect(notices[0]!.details).not.toHaveProperty("lastErrorCause");
    expect(notices[1]).toMatchObject({
      id: "ntc_due",
      details: { lastErrorCause: FAILURES[0]![1], disabledReasonCause: REASONS[0]![1], lastError: FAILURES[0]![0] },
    });
  });
});
