// The bench's `ingest` phase (BENCH_FIGURES=ingest): closed-loop POST /api/v1/conversions through
// the real production server (server.mjs, i.e. `npm start`, on the existing `npm run build`
// output; it never builds) on loopback, on the bench's scratch database, its endpoints at the
// bench's verifying receiver. One figure per way of running the delivery worker:
//   worker "embedded"  the default: the worker inside the server process;
//   worker "separate"  the server with WEBHOOK_SERVER_WORKER=false beside one `npm run worker`.
// Each: CLIENTS clients for WARMUP_MS, then MEASURE_MS counted; requests/s, the server process
// tree's CPU per request (/proc stat deltas), lag = receipt at the receiver − the API response
// (both epoch ms on this box), peak RSS; /api/health measured the same way on the same server
// first, as the baseline (`cpu_ratio_to_health`). BENCH_INGEST_ROUNDS=n repeats both variants,
// alternating which goes first. BENCH_INGEST_CPU_PROF=<dir> runs the server (and the separate
// worker, into <dir>/worker) under --cpu-prof;
// BENCH_SERVER_ENV=K=V,… adds settings to the server's and the worker's environment.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { inArray, sql } from "drizzle-orm";
import { Pool } from "undici";
import { createApiKey } from "@/lib/api-keys/api-keys";
import { getConfig } from "@/lib/config";
import type { Db } from "@/lib/db";
import { accounts, deliveries, events, partnerships, programs, webhooks, webhookSecrets } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { encryptSecret } from "@/lib/webhooks/secrets";
import { freePort, percentile, round } from "./support";

const CLIENTS = 32;
const WARMUP_MS = Number(process.env.BENCH_INGEST_WARMUP_MS ?? 3_000);
const MEASURE_MS = Number(process.env.BENCH_INGEST_MEASURE_MS ?? 15_000);
const HEALTH_WARMUP_MS = 1_000;
const HEALTH_MEASURE_MS = 5_000;
const DRAIN_WAIT_MS = 120_000; // after the load stops, for the last deliveries to arrive
const ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? 1);
const ROOT = path.resolve(import.meta.dirname, "..");

export type WorkerMode = "embedded" | "separate";

/** What the ingest phase needs of run.mts's receiver process. */
export interface ReceiverControl {
  url: string;
  reset(): Promise<void>;
  report(): Promise<{ count: number; invalid: number; receipts: [string, number][] }>;
  waitForCount(n: number, timeoutMs: number, opts?: { orGiveUp?: boolean }): Promise<boolean>;
}

export interface IngestBenchContext {
  db: Db;
  /** The scratch database the server runs on. */
  databaseUrl: string;
  receiver: ReceiverControl;
  /** The signing secret the receiver verifies with. */
  secret: string;
  print(figure: Record<string, unknown>): void;
}

export async function benchIngest(ctx: IngestBenchContext): Promise<void> {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    ctx.print({ figure: "ingest", skipped: "no production build in .next: run `npm run build` first (the bench never builds)" });
    return;
  }
  for (let round = 0; round < ROUNDS; round++) {
    const order: WorkerMode[] = round % 2 === 0 ? ["embedded", "separate"] : ["separate", "embedded"];
    for (const worker of order) ctx.print({ figure: "ingest", round, ...(await ingestVariant(ctx, worker)) });
  }
}

async function ingestVariant(ctx: IngestBenchContext, worker: WorkerMode) {
  const tenant = await createIngestTenant(ctx);
  const port = await freePort();
  const env = serverEnv(ctx.databaseUrl, worker);
  const server = await startServerProcess(port, env);
  let workerProcess: ChildProcess | null = null;
  try {
    if (worker === "separate") workerProcess = await startWorkerProcess(env);
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CLIENTS, keepAliveTimeout: 60_000 });
    try {
      const health = await closedLoop(pool, server.pid!, null, HEALTH_WARMUP_MS, HEALTH_MEASURE_MS, () => ({
        path: "/api/health",
        method: "GET",
        expect: 200,
      }));
      await ctx.receiver.reset();
      let n = 0;
      const ingest = await closedLoop(pool, server.pid!, workerProcess?.pid ?? null, WARMUP_MS, MEASURE_MS, () => {
        const i = n++;
        return {
          path: "/api/v1/conversions",
          method: "POST",
          expect: 201,
          headers: {
            authorization: `Bearer ${tenant.apiKey}`,
            "content-type": "application/json",
            "idempotency-key": `bench-${tenant.runId}-${i}`,
          },
          body: JSON.stringify({
            programId: tenant.programId,
            affiliateId: tenant.affiliateId,
            amount: 1000 + (i % 9000),
            currency: "USD",
            type: "sale",
            externalId: `order-${tenant.runId}-${i}`,
          }),
        };
      });
      const lag = await deliveryLag(ctx, tenant, ingest.responses);
      return {
        worker,
        clients: CLIENTS,
        measure_s: MEASURE_MS / 1000,
        requests_per_s: round(ingest.perSecond),
        cpu_ms_per_request: round(ingest.serverCpuMs / ingest.count, 2),
        ...(workerProcess ? { worker_cpu_ms_per_request: round(ingest.workerCpuMs / ingest.count, 2) } : {}),
        lag_p50_ms: round(lag.p50, 1),
        lag_p99_ms: round(lag.p99, 1),
        lag_max_ms: round(lag.max, 1),
        deliveries_per_request: tenant.endpoints,
        all_delivered: lag.complete,
        rss_mb: round(ingest.peakRssBytes / 2 ** 20),
        health_requests_per_s: round(health.perSecond),
        health_cpu_ms_per_request: round(health.serverCpuMs / health.count, 2),
        cpu_ratio_to_health: round(ingest.serverCpuMs / ingest.count / (health.serverCpuMs / health.count), 2),
        errors: ingest.errors + health.errors,
        ...(ingest.firstError ? { first_error: ingest.firstError } : {}),
        invalid_signatures: lag.invalid,
        load_average_1m: round(os.loadavg()[0]!, 2),
        target_cpu_ms_per_request: 3,
        target_requests_per_s: 300,
        target_lag_p99_ms: 1000,
      };
    } finally {
      await pool.close();
    }
  } finally {
    if (workerProcess) await stopProcess(workerProcess);
    await stopProcess(server);
  }
}

type RequestSpec = { path: string; method: "GET" | "POST"; expect: number; headers?: Record<string, string>; body?: string };

/**
 * CLIENTS closed-loop clients (each sends its next request when the last one answered) for
 * warm-up + measure; only answers inside the measured window count. The server's (and the
 * worker's) CPU is read at the window's two ends.
 */
async function closedLoop(pool: Pool, serverPid: number, workerPid: number | null, warmupMs: number, measureMs: number, next: () => RequestSpec) {
  const t0 = performance.now();
  const from = t0 + warmupMs;
  const until = from + measureMs;
  let count = 0;
  let errors = 0;
  let firstError: string | undefined;
  let peakRssBytes = 0;
  // Conversion id → epoch ms at its response, for the requests answered in the window.
  const responses = new Map<string, number>();
  let cpuAtStart: { server: number; worker: number } | undefined;
  const sampleCpu = () => ({ server: treeCpuMs(serverPid), worker: workerPid ? treeCpuMs(workerPid) : 0 });
  const startTimer = setTimeout(() => (cpuAtStart = sampleCpu()), warmupMs);
  const rssTimer = setInterval(() => {
    if (performance.now() >= from) peakRssBytes = Math.max(peakRssBytes, treeRssBytes(serverPid));
  }, 250);
  let cpuAtEnd: { server: number; worker: number } | undefined;
  const endTimer = setTimeout(() => (cpuAtEnd = sampleCpu()), warmupMs + measureMs);
  try {
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (performance.now() < until) {
          const spec = next();
          const res = await pool.request({ path: spec.path, method: spec.method, headers: spec.headers, body: spec.body });
          const text = await res.body.text();
          const at = performance.timeOrigin + performance.now();
          const now = performance.now();
          if (res.statusCode !== spec.expect) {
            errors++;
            firstError ??= `HTTP ${res.statusCode}: ${text.slice(0, 300)}`;
            continue;
          }
          if (now < from || now > until) continue;
          count++;
          if (spec.method === "POST") responses.set((JSON.parse(text) as { id: string }).id, at);
        }
      }),
    );
  } finally {
    clearTimeout(startTimer);
    clearTimeout(endTimer);
    clearInterval(rssTimer);
  }
  cpuAtEnd ??= sampleCpu();
  if (!cpuAtStart) throw new Error("the load ended before its warm-up did");
  peakRssBytes = Math.max(peakRssBytes, treeRssBytes(serverPid));
  return {
    count,
    errors,
    firstError,
    perSecond: count / (measureMs / 1000),
    serverCpuMs: cpuAtEnd.server - cpuAtStart.server,
    workerCpuMs: cpuAtEnd.worker - cpuAtStart.worker,
    peakRssBytes,
    responses,
  };
}

/**
 * Receipt − response for each delivery of the conversions answered in the window, once every
 * delivery of the run arrived (or DRAIN_WAIT_MS passed: the missing ones count as that late,
 * so the percentiles are then lower bounds and all_delivered says false).
 */
async function deliveryLag(ctx: IngestBenchContext, tenant: IngestTenant, responses: Map<string, number>) {
  const rows = await ctx.db
    .select({ deliveryId: deliveries.id, conversionId: sql<string>`(${events.body}::jsonb) #>> '{data,id}'` })
    .from(deliveries)
    .innerJoin(events, sql`${events.id} = ${deliveries.eventId}`)
    .where(inArray(deliveries.accountId, [tenant.advertiserId, tenant.affiliateId]));
  const complete = await ctx.receiver.waitForCount(rows.length, DRAIN_WAIT_MS, { orGiveUp: true });
  const giveUpAt = performance.timeOrigin + performance.now();
  const report = await ctx.receiver.report();
  const receipts = new Map<string, number>();
  for (const [id, at] of report.receipts) if (!receipts.has(id)) receipts.set(id, at);
  const lags: number[] = [];
  for (const { deliveryId, conversionId } of rows) {
    const answeredAt = responses.get(conversionId);
    if (answeredAt !== undefined) lags.push((receipts.get(deliveryId) ?? giveUpAt) - answeredAt);
  }
  lags.sort((a, b) => a - b);
  return { p50: percentile(lags, 0.5), p99: percentile(lags, 0.99), max: lags.at(-1) ?? NaN, complete, invalid: report.invalid };
}

type IngestTenant = Awaited<ReturnType<typeof createIngestTenant>>;

/**
 * An advertiser with a program, an affiliate that applied to it, an API key, and one endpoint
 * each at the receiver: every conversion is two deliveries (advertiser and affiliate).
 */
async function createIngestTenant(ctx: IngestBenchContext) {
  const { db } = ctx;
  const runId = newId("event").slice(4, 14);
  const advertiserId = newId("account");
  const affiliateId = newId("account");
  await db.insert(accounts).values([
    { id: advertiserId, kind: "advertiser", name: "bench advertiser" },
    { id: affiliateId, kind: "affiliate", name: "bench affiliate" },
  ]);
  const programId = newId("program");
  await db.insert(programs).values({ id: programId, accountId: advertiserId, name: "bench program" });
  await db.insert(partnerships).values({ id: newId("partnership"), programId, affiliateAccountId: affiliateId });
  for (const accountId of [advertiserId, affiliateId]) {
    const id = newId("webhook");
    await db.insert(webhooks).values({ id, accountId, url: `${ctx.receiver.url}/ingest-${accountId}`, events: ["conversion.created"] });
    await db.insert(webhookSecrets).values({ id: newId("webhookSecret"), webhookId: id, ciphertext: encryptSecret(ctx.secret) });
  }
  const { key: apiKey } = await createApiKey(advertiserId, { name: "bench" });
  return { runId, advertiserId, affiliateId, programId, apiKey, endpoints: 2 };
}

/** The production server's settings; the secret key is this process's, which encrypted the signing secrets. */
function serverEnv(databaseUrl: string, worker: WorkerMode): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: "bench-auth-secret-0123456789abcdefghijklmnop",
    AUTH_TRUST_HOST: "true",
    WEBHOOK_SECRET_KEY: getConfig().secretKey,
    WEBHOOK_ENGINE: "embedded",
    WEBHOOK_SERVER_WORKER: worker === "embedded" ? "true" : "false",
    WEBHOOK_ALLOW_PRIVATE_TARGETS: "true", // the receiver is on loopback
    DEMO_SEED: "false",
    // The per-key limit stays on (its write is part of each request's cost), far above the load.
    RATE_LIMIT_API_KEY_PER_MINUTE: "100000000",
    // BENCH_SERVER_ENV="DATABASE_POOL_MAX=20,LOG_LEVEL=warn" tries other settings (server and worker).
    ...Object.fromEntries(
      (process.env.BENCH_SERVER_ENV ?? "")
        .split(",")
        .filter((kv) => kv.includes("="))
        .map((kv) => [kv.slice(0, kv.indexOf("=")).trim(), kv.slice(kv.indexOf("=") + 1).trim()]),
    ),
  };
}

async function startServerProcess(port: number, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const profileDir = process.env.BENCH_INGEST_CPU_PROF;
  const args = [...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(profileDir)}`] : []), "server.mjs", "-H", "127.0.0.1", "-p", String(port)];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
  const output = collectOutput(child);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.ok) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the server did not answer /api/health within 60 s: ${output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One `npm run worker` (scripts/worker.mts), as package.json runs it. */
async function startWorkerProcess(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const profileDir = process.env.BENCH_INGEST_CPU_PROF;
  const profile = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(profileDir, "worker")}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", "--conditions=react-server", "scripts/worker.mts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collectOutput(child);
  const deadline = Date.now() + 60_000;
  while (!output().includes("worker ready")) {
    if (child.exitCode !== null) throw new Error(`the worker exited with ${child.exitCode}: ${output()}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the worker was not ready within 60 s: ${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

/** Keeps the last few KB of a child's output (read, so its pipes never fill), for error messages. */
function collectOutput(child: ChildProcess) {
  let out = "";
  const keep = (chunk: Buffer) => void (out = (out + chunk.toString()).slice(-8_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return () => out;
}

/** SIGTERM (the server and the worker finish what is in flight), SIGKILL after 30 s. */
async function stopProcess(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  await exited;
  clearTimeout(timer);
}

// --- /proc: CPU and memory of a process and its descendants --------------------------------------

const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
const PAGE_BYTES = Number(execFileSync("getconf", ["PAGESIZE"]).toString().trim()) || 4096;

type ProcStat = { pid: number; ppid: number; cpuTicks: number; childTicks: number; rssPages: number };

function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null; // gone
  }
  // Fields after "(comm)", which may itself hold spaces: state ppid … utime(11) stime(12) cutime(13) cstime(14) … rss(21).
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { pid, ppid: Number(f[1]), cpuTicks: Number(f[11]) + Number(f[12]), childTicks: Number(f[13]) + Number(f[14]), rssPages: Number(f[21]) };
}

function processTree(rootPid: number): ProcStat[] {
  const all = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map((d) => readStat(Number(d))).filter((s) => s !== null);
  const tree: ProcStat[] = [];
  const wanted = new Set([rootPid]);
  // Parents come before children often but not always: repeat until no new descendant appears.
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of all) {
      if (!tree.includes(s) && (wanted.has(s.pid) || wanted.has(s.ppid))) {
        tree.push(s);
        wanted.add(s.pid);
        grew = true;
      }
    }
  }
  return tree;
}

/** User + system CPU ms of the process, its live descendants and the children it reaped. */
function treeCpuMs(rootPid: number): number {
  const ticks = processTree(rootPid).reduce((sum, s) => sum + s.cpuTicks + (s.pid === rootPid ? s.childTicks : 0), 0);
  return (ticks * 1000) / CLOCK_TICKS;
}

function treeRssBytes(rootPid: number): number {
  return processTree(rootPid).reduce((sum, s) => sum + s.rssPages * PAGE_BYTES, 0);
}

