// The bench's `log` phase (BENCH_FIGURES=log; bench/run.mts): how fast the delivery log and the
// dashboard numbers answer at scale. It builds BENCH_LOG_ROWS deliveries (default 20,000; the
// issue's targets are at 1,000,000) with bulk SQL for one endpoint over 30 days — realistic
// statuses, one to four attempts each — plus a quarter as many for other accounts, rebuilds the
// rollups from them (the function behind `npm run rollups:rebuild`), ANALYZEs, then
// asks a production server (`node server.mjs`, the build in .next; built when missing) over HTTP
// with a dashboard session, 200 requests per route after a warm-up, and prints per route
//   {"figure":"log","rows":…,"route":…,"p50_ms":…,"p99_ms":…,"target_p99_ms":30}
// with GET /api/health as the baseline. BENCH_LOG_EXPLAIN=<file> also writes EXPLAIN (ANALYZE,
// BUFFERS) of every query those routes run (their SQL as the app issues it) to that Markdown file.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { drizzle } from "drizzle-orm/postgres-js";
import { signUp } from "@/lib/accounts/accounts";
import { getDb, resultRows, type DbHandle, type Queryable } from "@/lib/db";
import * as schema from "@/lib/db/schema";
import { processSlot } from "@/lib/singleton";
import { encodeCursor, listDeliveries, retryFailedDeliveries, summarizeWebhooks, webhookTimeline } from "@/lib/webhooks/delivery-log";
import { buildEventBody, BUSINESS_EVENT_TYPES, EVENT_CATALOGUE } from "@/lib/webhooks/events";
import { rebuildRollups } from "@/lib/webhooks/rollups";
import { listDeliveriesQuery, retryFailedInput } from "@/lib/webhooks/schemas";
import { freePort, round } from "./support";

const REQUESTS = 200;
const WARM_UP = 20;
const TARGET_P99_MS = 30;
const DAYS = 30;
const PASSWORD = "bench-password-0123";

export async function benchLog(databaseUrl: string) {
  const rows = Number(process.env.BENCH_LOG_ROWS ?? 20_000);
  const db = await getDb();
  const t0 = performance.now();
  const { accountId, webhookId, email, rebuildSeconds } = await buildLog(rows);
  const setupSeconds = (performance.now() - t0) / 1000;
  const [counts] = resultRows<{ deliveries: string; attempts: string }>(
    await db.execute(sql`select (select count(*) from deliveries) as deliveries, (select count(*) from delivery_attempts) as attempts`),
  );
  console.log(JSON.stringify({ figure: "log_setup", rows, deliveries_total: Number(counts!.deliveries), attempts_total: Number(counts!.attempts), seconds: round(setupSeconds), rollups_rebuild_seconds: round(rebuildSeconds) }));

  // Deep pages: cursors of the endpoint's deliveries 50 % to 95 % of the way down its log.
  const deep = resultRows<{ at: string; id: string }>(
    await db.execute(sql`
      select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, id
      from (select created_at, id, row_number() over (order by created_at desc, id desc) as n from deliveries where webhook_id = ${webhookId}) x
      where n % greatest(1, ${Math.floor(rows / 20)}) = 0 and n >= ${rows / 2} and n <= ${rows * 0.95}`),
  ).map((r) => encodeCursor(r.at, r.id));

  const log = `/api/webhooks/${webhookId}/deliveries`;
  const routes: [string, (i: number) => string][] = [
    ["GET /api/webhooks/:id/deliveries (first page)", () => log],
    ["GET /api/webhooks/:id/deliveries (deep cursor page)", (i) => `${log}?cursor=${deep[i % deep.length]}`],
    ["GET /api/webhooks/:id/deliveries?event=partnership.created", () => `${log}?event=partnership.created`],
    ["GET /api/webhooks/:id/deliveries?status=failed", () => `${log}?status=failed`],
    ["GET /api/webhooks/:id/deliveries?status=failed&event=conversion.created", () => `${log}?status=failed&event=conversion.created`],
    ["GET /api/webhooks/stats (24 h summary)", () => "/api/webhooks/stats"],
    ["GET /api/webhooks/:id/stats (24 h chart)", () => `/api/webhooks/${webhookId}/stats`],
    ["GET /api/webhooks/:id/stats?hours=720 (30 d chart)", () => `/api/webhooks/${webhookId}/stats?hours=720`],
    ["GET /api/health (baseline)", () => "/api/health"],
  ];

  const server = await startProductionServer(databaseUrl);
  try {
    const cookie = await signIn(server.url, email);
    for (const [route, pathFor] of routes) {
      const times: number[] = [];
      for (let i = 0; i < WARM_UP + REQUESTS; i++) {
        const started = performance.now();
        const res = await fetch(server.url + pathFor(i), { headers: { cookie } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${route}: HTTP ${res.status}`);
        if (i >= WARM_UP) times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      const at = (q: number) => round(times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!, 2);
      console.log(JSON.stringify({ figure: "log", rows, route, p50_ms: at(0.5), p99_ms: at(0.99), target_p99_ms: route.includes("health") ? null : TARGET_P99_MS }));
    }
  } finally {
    await server.stop();
  }

  const explainTo = process.env.BENCH_LOG_EXPLAIN;
  if (explainTo) await writeExplains(databaseUrl, explainTo, rows, accountId, webhookId, deep[Math.floor(deep.length / 2)]!);
}

// --- The data ---------------------------------------------------------------------------------

/**
 * One advertiser (who signs in) with one endpoint of `rows` deliveries over the last 30 days, and
 * four other accounts' endpoints with `rows / 4` between them. Per delivery: an event of a business
 * type (half conversion.created), created at an even spread back in time; the newest 0.1 % pending
 * (a retry due later), 3 % failed after 4 attempts, the rest succeeded after 1 (75 %), 2, 3 or 4
 * attempts, each attempt with the headers the sender records and a log-normal-ish duration.
 */
async function buildLog(rows: number) {
  const db = await getDb();
  const email = `bench-log-${Date.now()}@example.test`;
  const { account } = await signUp({ email, password: PASSWORD, name: "Bench", accountName: "Bench log", accountKind: "advertiser" });
  const targets = [{ accountId: account.id, rows }];
  for (let i = 0; i < 4; i++) {
    const id = `acct_${`benchother${i}`.padEnd(20, "0")}`;
    await db.insert(schema.accounts).values({ id, kind: i % 2 ? "affiliate" : "advertiser", name: `bench other ${i}` });
    targets.push({ accountId: id, rows: Math.floor(rows / 16) });
  }
  const bodies = BUSINESS_EVENT_TYPES.map((t) => buildEventBody(t, EVENT_CATALOGUE[t].sample as never));
  let webhookId = "";
  for (const [n, target] of targets.entries()) {
    const hook = `wh_${`benchlog${n}`.padEnd(20, "0")}`;
    if (n === 0) webhookId = hook;
    await db.insert(schema.webhooks).values({ id: hook, accountId: target.accountId, url: "http://127.0.0.1:9/never", events: [...BUSINESS_EVENT_TYPES] });
    // Rows that are consistent by construction: no per-row foreign-key checks and no rollup
    // triggers while loading (replica role, this transaction only); the rollups are rebuilt below.
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await fillEndpoint(tx, hook, target.accountId, target.rows, bodies);
    });
  }
  const rebuildStarted = performance.now();
  await rebuildRollups(db, new Date(0)); // `npm run rollups:rebuild`'s function, histograms of all hours
  const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
  await db.execute(sql`analyze`);
  return { accountId: account.id, webhookId, email, rebuildSeconds };
}

async function fillEndpoint(db: Queryable, webhookId: string, accountId: string, n: number, bodies: string[]) {
  const types = BUSINESS_EVENT_TYPES;
  const spacing = (DAYS * 86_400) / n; // seconds between deliveries
  // The plan of every delivery, drawn once; i = 0 is the newest.
  await db.execute(sql`drop table if exists bench_plan`);
  await db.execute(sql`
    create unlogged table bench_plan as
    select i,
      'dlv_' || substr(md5(${webhookId} || 'd' || i), 1, 20) as id,
      'evt_' || substr(md5(${webhookId} || 'e' || i), 1, 20) as event_id,
      now() - make_interval(secs => (i + random() * 0.9 + 0.05) * ${spacing}) as created_at,
      (case when r_type < 0.5 then 1 when r_type < 0.75 then 2 when r_type < 0.85 then 3 else 4 end) as type_n,
      (case when i < greatest(1, ${n} / 1000) then 'pending' when r_status < 0.03 then 'failed' else 'succeeded' end)::delivery_status as status,
      r_tries
    from (select i, random() as r_type, random() as r_status, random() as r_tries from generate_series(0, ${n} - 1) i) g`);
  await db.execute(sql`
    insert into events (id, type, body, test, created_at)
    select event_id, (${sql.raw(`array[${types.map((t) => `'${t}'`).join(",")}]`)})[type_n], ${JSON.stringify(bodies)}::jsonb ->> (type_n - 1), false, created_at from bench_plan`);
  await db.execute(sql`
    insert into deliveries (id, account_id, webhook_id, event_id, event_type, status, attempt_count, next_attempt_at,
      last_status_code, created_at, updated_at, completed_at)
    select p.id, ${accountId}, ${webhookId}, p.event_id, (${sql.raw(`array[${types.map((t) => `'${t}'`).join(",")}]`)})[p.type_n], p.status, t.tries,
      case when p.status = 'pending' then now() + interval '1 hour' end,
      case when p.status = 'succeeded' then 200 else 500 end,
      p.created_at, p.created_at + (t.tries - 1) * interval '5 minutes' + interval '1 second',
      case when p.status <> 'pending' then p.created_at + (t.tries - 1) * interval '5 minutes' + interval '1 second' end
    from bench_plan p, lateral (select case
      when p.status = 'failed' then 4
      when p.status = 'pending' then 1
      when p.r_tries < 0.75 then 1 when p.r_tries < 0.9 then 2 when p.r_tries < 0.97 then 3 else 4 end as tries) t`);
  await db.execute(sql`
    insert into delivery_attempts (id, delivery_id, number, started_at, duration_ms, status_code, error, response_body_excerpt, request_headers)
    select 'att_' || substr(md5(d.id || k), 1, 20), d.id, k, d.created_at + (k - 1) * interval '5 minutes',
      (20 * exp(random() * 3))::int,
      case when d.status = 'succeeded' and k = d.attempt_count then 200 else 500 end,
      case when d.status = 'succeeded' and k = d.attempt_count then null else 'HTTP 500' end,
      case when d.status = 'succeeded' and k = d.attempt_count then 'ok' else 'Internal Server Error' end,
      jsonb_build_object(
        'content-type', 'application/json', 'user-agent', 'PartnersMy-Webhooks/1.0',
        'webhook-id', d.id, 'webhook-timestamp', extract(epoch from d.created_at)::bigint::text,
        'webhook-signature', 'v1,' || encode(decode(md5(d.id || k) || md5(k || d.id), 'hex'), 'base64'),
        'x-webhook-signature', 't=' || extract(epoch from d.created_at)::bigint || ',v1=' || md5(d.id) || md5(d.id || 'x'),
        'x-webhook-event', d.event_type, 'x-webhook-delivery', d.id, 'x-webhook-attempt', k::text)
    from deliveries d, generate_series(1, d.attempt_count) k
    where d.webhook_id = ${webhookId}`);
  await db.execute(sql`drop table bench_plan`);
}

// --- The server and its session -----------------------------------------------------------------

async function startProductionServer(databaseUrl: string) {
  const root = process.cwd();
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
    console.error("bench log: no production build in .next; running `next build` first");
    await run("npx", ["next", "build"]);
  }
  const port = await freePort();
  // BENCH_LOG_NODE_ARGS: flags for the server's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = process.env.BENCH_LOG_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, "server.mjs", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: "bench-auth-secret-0123456789abcdefghijklmnop",
      AUTH_TRUST_HOST: "true",
      WEBHOOK_SECRET_KEY: "bench-webhook-secret-key-0123456789abcdef",
      WEBHOOK_ENGINE: "embedded", // the default: its worker and pool share the server, as in production
      WEBHOOK_RETENTION_DAYS: "3650", // the data stays as built while the bench runs
      LOG_LEVEL: "warn",
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the production server exited (${child.exitCode})`);
    const up = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline) throw new Error("the production server did not answer within 120 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      if (child.exitCode === null) await new Promise((r) => child.once("exit", r));
    },
  };
}

/** next-auth's credentials flow: the csrf token (and its cookie), then the callback; returns the cookie header. */
async function signIn(baseUrl: string, email: string): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = csrf.headers.getSetCookie().map((c) => c.split(";")[0]);
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.join("; ") },
    body: new URLSearchParams({ csrfToken, email, password: PASSWORD, callbackUrl: `${baseUrl}/dashboard` }),
  });
  await res.arrayBuffer();
  const session = res.headers.getSetCookie().map((c) => c.split(";")[0]!).find((c) => c.startsWith("authjs.session-token="));
  if (!session) throw new Error(`sign-in failed (HTTP ${res.status})`);
  return session;
}

function run(command: string, args: string[]) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited ${code}`))));
  });
}

// --- EXPLAIN ------------------------------------------------------------------------------------

/**
 * Runs each domain function behind the routes with a database handle that records the SQL it
 * issues (writes are recorded, not run), then EXPLAIN (ANALYZE, BUFFERS) of each statement in a
 * transaction that is rolled back, so the data stays as it is.
 */
async function writeExplains(databaseUrl: string, file: string, rows: number, accountId: string, webhookId: string, cursor: string) {
  const client = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const captured: { sql: string; params: unknown[] }[] = [];
  const db = drizzle(client, {
    schema,
    logger: {
      logQuery(query, params) {
        captured.push({ sql: query, params });
        if (!/^\s*(select|with)\b/i.test(query)) throw new Error("recorded, not run");
      },
    },
  });
  const handle: DbHandle = { db, driver: "postgres", listen: () => Promise.reject(new Error("not here")), close: () => client.end() };
  const slot = processSlot("db");
  const previous = slot.get();
  const q = (p: Record<string, string>) => listDeliveriesQuery.parse(p);
  const since = new Date(Date.now() - 3 * 86_400_000).toISOString();
  const until = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const variants: [string, () => Promise<unknown>][] = [
    ["Delivery log, first page", () => listDeliveries(accountId, webhookId, q({}))],
    ["Delivery log, deep cursor page (about 70 % down the log)", () => listDeliveries(accountId, webhookId, q({ cursor }))],
    ["Delivery log, ?event=partnership.created", () => listDeliveries(accountId, webhookId, q({ event: "partnership.created" }))],
    ["Delivery log, ?status=failed", () => listDeliveries(accountId, webhookId, q({ status: "failed" }))],
    ["Delivery log, ?status=failed&event=conversion.created", () => listDeliveries(accountId, webhookId, q({ status: "failed", event: "conversion.created" }))],
    ["Delivery log, ?status=failed with a cursor", () => listDeliveries(accountId, webhookId, q({ status: "failed", cursor }))],
    ["Time range: retry-failed of one endpoint, since/until one day", () => retryFailedDeliveries(accountId, retryFailedInput.parse({ webhookId, since, until }))],
    ["Time range: retry-failed of the whole account, since/until one day", () => retryFailedDeliveries(accountId, retryFailedInput.parse({ since, until }))],
    ["Stats: 24 h summary of the account's endpoints (GET /api/webhooks/stats)", () => summarizeWebhooks(accountId)],
    ["Stats: 24 h chart (GET /api/webhooks/:id/stats)", () => webhookTimeline(accountId, webhookId, 24)],
    ["Stats: 30 d chart (GET /api/webhooks/:id/stats?hours=720)", () => webhookTimeline(accountId, webhookId, 720)],
  ];
  const out: string[] = [
    "# EXPLAIN (ANALYZE, BUFFERS) of the delivery log and the dashboard numbers",
    "",
    `Written by \`BENCH_FIGURES=log BENCH_LOG_ROWS=${rows} BENCH_LOG_EXPLAIN=${file} npm run bench\` (bench/log.mts) on ${new Date().toISOString()}:`,
    `one endpoint with ${rows.toLocaleString("en")} deliveries over 30 days plus other accounts' rows, ANALYZEd. Each`,
    "section is one domain function behind a route; its statements are the SQL the app issues, as",
    "drizzle sent it, each explained in a transaction that is rolled back. PostgreSQL server:",
    `\`${resultRows<{ v: string }>(await client.unsafe("select version() as v"))[0]!.v}\`; fsync ${resultRows<{ fsync: string }>(await client.unsafe("show fsync"))[0]!.fsync}.`,
    "",
  ];
  slot.set(Promise.resolve(handle));
  try {
    for (const [title, fn] of variants) {
      captured.length = 0;
      await fn().catch((err: Error) => {
        if (err.message !== "recorded, not run" && !String(err.cause).includes("recorded, not run")) throw err;
      });
      out.push(`## ${title}`, "");
      for (const statement of [...captured]) {
        const plan = await client
          .begin(async (tx) => {
            const result = await tx.unsafe(`explain (analyze, buffers) ${statement.sql}`, statement.params as never[]);
            throw Object.assign(new Error("rollback"), { plan: result.map((r) => r["QUERY PLAN"]).join("\n") });
          })
          .catch((err: Error & { plan?: string }) => {
            if (err.plan === undefined) throw err;
            return err.plan;
          });
        out.push("```sql", statement.sql, `-- params: ${JSON.stringify(statement.params)}`, "```", "```", plan, "```", "");
      }
    }
  } finally {
    slot.set(previous);
    await client.end();
  }
  writeFileSync(file, out.join("\n"));
  console.error(`bench log: EXPLAINs written to ${file}`);
}

