// Shared parts of the reliability scenarios: a scratch database (or a whole throwaway cluster),
// the receiver in its own process, `npm run worker` processes that can be SIGKILLed, a paced
// event stream through the real outbox, and the checks that turn a broken promise into a
// non-zero exit.
import { execFileSync, fork, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { and, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { accounts, deliveries, events, webhooks, webhookSecrets } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { wakeDeliveryEngine } from "@/lib/webhooks/engine";
import { EVENT_CATALOGUE, EventDataMismatchError } from "@/lib/webhooks/events";
import { enqueueEvent } from "@/lib/webhooks/outbox";
import { encryptSecret } from "@/lib/webhooks/secrets";
import type { Chaos, ReceiverCommand, ReceiverReport } from "./protocol";

export const ROOT = path.resolve(import.meta.dirname, "..");
const PG_BIN = process.env.REL_PG_BIN ?? "/usr/lib/postgresql/15/bin";

export function print(figure: Record<string, unknown>) {
  console.log(JSON.stringify(figure));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Broken promises, collected; the scenario prints them all and exits 1 if any. */
export class Promises {
  readonly broken: string[] = [];
  check(ok: boolean, promise: string, details?: unknown) {
    if (!ok) this.broken.push(details === undefined ? promise : `${promise}: ${JSON.stringify(details).slice(0, 600)}`);
  }
  finish(scenario: string): never {
    for (const b of this.broken) print({ scenario, broken: b });
    print({ scenario, ok: this.broken.length === 0 });
    process.exit(this.broken.length === 0 ? 0 : 1);
  }
}

/** A throwaway PostgreSQL 15 cluster (STACK.md's recipe) that this process may restart at will. */
export function startOwnCluster(port: number) {
  const dir = mkdtempSync(path.join(tmpdir(), "rel-pg-"));
  const data = path.join(dir, "data");
  const sock = path.join(dir, "sock");
  mkdirSync(data);
  mkdirSync(sock);
  const root = process.getuid?.() === 0;
  if (root) execFileSync("chown", ["-R", "postgres:", dir]);
  chmodSync(data, 0o700);
  // initdb refuses root: run the server tools as postgres.
  const pg = (bin: string, args: string[]) =>
    execFileSync(root ? "runuser" : path.join(PG_BIN, bin), root ? ["-u", "postgres", "--", path.join(PG_BIN, bin), ...args] : args, {
      // Nothing piped: the server pg_ctl starts inherits these and would hold a pipe open.
      stdio: "ignore",
    });
  pg("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
  const opts = `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  pg("pg_ctl", ["-D", data, "-l", path.join(dir, "pg.log"), "-o", opts, "-w", "start"]);
  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    try {
      pg("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    } catch {
      /* already down */
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Interrupted (Ctrl-C, a CI timeout): never leave the cluster running.
  const onSignal = (signal: NodeJS.Signals) => {
    stopSync();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  // Even when the scenario dies of an uncaught error.
  process.once("exit", stopSync);
  execFileSync(path.join(PG_BIN, "psql"), ["-q", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-c", "create database app"]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/app`,
    /** pg_ctl restart -m fast: every connection is cut, the server is back within a moment. */
    async restartAsync() {
      const args = ["-D", data, "-m", "fast", "-w", "restart"];
      const bin = path.join(PG_BIN, "pg_ctl");
      await new Promise<void>((resolve, reject) =>
        spawn(root ? "runuser" : bin, root ? ["-u", "postgres", "--", bin, ...args] : args, { stdio: "ignore" })
          .once("error", reject)
          .once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`pg_ctl restart exited ${code}`)))),
      );
    },
    stop() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      process.off("exit", stopSync);
      stopSync();
    },
  };
}

// --- The receiver process ----------------------------------------------------------------------

export async function startReceiverProcess(secret: string) {
  const child: ChildProcess = fork(path.join(import.meta.dirname, "receiver-process.mts"), {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = await nextMessage<{ url: string }>(child, "ready");
  const call = (msg: ReceiverCommand) => child.send(msg);
  call({ type: "configure", secret });
  return {
    url: ready.url,
    chaos: (chaos: Chaos | null) => call({ type: "chaos", chaos }),
    async count() {
      call({ type: "count" });
      return (await nextMessage<{ count: number }>(child, "count")).count;
    },
    async report() {
      call({ type: "report" });
      return nextMessage<ReceiverReport>(child, "report");
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      call({ type: "close" });
      await exited;
    },
  };
}

function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = (msg: { type: string } & T) => {
      if (msg.type !== type) return;
      child.off("message", on);
      child.off("exit", onExit);
      resolve(msg);
    };
    const onExit = () => reject(new Error(`receiver process exited while waiting for "${type}"`));
    child.on("message", on);
    child.once("exit", onExit);
  });
}

// --- `npm run worker` processes ----------------------------------------------------------------

export interface WorkerProcess {
  workerId: string;
  pid: number;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Error lines it logged (its stderr). */
  errors: string[];
}

/**
 * scripts/worker.mts as its own process, exactly as `npm run worker` runs it, but with node
 * itself as the process (not the tsx CLI, which forks a child) so SIGKILL kills the worker.
 */
export async function spawnWorker(env: Record<string, string>, accountIds: string[]): Promise<WorkerProcess> {
  const args = ["--import", "tsx", "--conditions=react-server", path.join(ROOT, "scripts/worker.mts"), ...accountIds.flatMap((a) => ["--account", a])];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: "error", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const errors: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => {
    errors.push(line);
    if (process.env.REL_VERBOSE) console.error(`[worker ${child.pid}] ${line}`);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const workerId = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("worker did not report ready within 60 s")), 60_000);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        const msg = JSON.parse(line) as { msg?: string; workerId?: string };
        if (msg.msg === "worker ready" && msg.workerId) {
          clearTimeout(timer);
          resolve(msg.workerId);
        }
      } catch {
        /* not ours */
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before it was ready: ${errors.slice(-5).join(" | ")}`));
    });
  });
  return { workerId, pid: child.pid!, child, exited, errors };
}

export async function killWorker(w: WorkerProcess, signal: NodeJS.Signals = "SIGKILL") {
  if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill(signal);
  await w.exited;
}

// --- Data ----------------------------------------------------------------------------------------

/** `n` accounts with one endpoint each (all signed with `secret`), subscribed to conversion.created. */
export async function createEndpoints(n: number, receiverUrl: string, secret: string) {
  const db = await getDb();
  const accountIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const accountId = newId("account");
    await db.insert(accounts).values({ id: accountId, kind: "advertiser", name: `reliability ${i}` });
    const webhookId = newId("webhook");
    await db.insert(webhooks).values({ id: webhookId, accountId, url: `${receiverUrl}/${i}`, events: ["conversion.created"] });
    await db.insert(webhookSecrets).values({ id: newId("webhookSecret"), webhookId, ciphertext: encryptSecret(secret) });
    accountIds.push(accountId);
  }
  return accountIds;
}

/**
 * The stream's i-th conversion id: `conv_` + the run's 8-character prefix + i in base36, padded
 * to the 20 characters of a real id (enqueueEvent checks data against the event's schema).
 */
export function streamEventId(prefix: string, i: number): string {
  return `conv_${prefix}${i.toString(36).padStart(12, "0")}`;
}

/**
 * Emit `total` conversion.created events through the real outbox, round-robin over the
 * accounts, at `ratePerS`, `batch` events per transaction, waking the engine after each commit.
 * Each event's data.id is unique (streamEventId), so the receiver can tell events apart. Survives
 * the database going away: a batch whose commit is in doubt is looked up before it is re-sent,
 * so no event is written twice.
 */
export async function emitStream(opts: {
  accountIds: string[];
  total: number;
  ratePerS: number;
  batch?: number;
  prefix: string;
  onError?: (err: unknown) => void;
  /** Backpressure: keep at most this many events emitted but not yet received. */
  maxAhead?: number;
  received?: () => Promise<number>;
  onBatch?: (emitted: number) => void;
  lanes?: number;
}) {
  const db = await getDb();
  const batch = opts.batch ?? 50;
  const sample = EVENT_CATALOGUE["conversion.created"].sample;
  const start = performance.now();
  let retries = 0;
  // Several transactions at once (lanes): one at a time, the outbox writes would be the bottleneck.
  let nextBatch = 0;
  let emitted = 0;
  const takeBatch = () => (nextBatch += batch) - batch;
  const lane = async () => {
    for (let from = takeBatch(); from < opts.total; from = takeBatch()) {
      const due = start + (from * 1000) / opts.ratePerS;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (opts.maxAhead && opts.received) {
        // A stream, not a dump: the breaks below then happen while events are still coming.
        while (from - (await opts.received()) > opts.maxAhead) await sleep(20);
      }
      const to = Math.min(from + batch, opts.total);
      for (;;) {
        try {
          const ids = await db.transaction(async (tx) => {
            const out: string[] = [];
            for (let i = from; i < to; i++) {
              const { deliveryIds } = await enqueueEvent(tx, {
                type: "conversion.created",
                data: { ...sample, id: streamEventId(opts.prefix, i) },
                recipientAccountIds: [opts.accountIds[i % opts.accountIds.length]!],
              });
              out.push(...deliveryIds);
            }
            return out;
          });
          await wakeDeliveryEngine(ids);
          opts.onBatch?.((emitted += to - from));
          break;
        } catch (err) {
          // A producer bug is not an outage: retrying it would hang the scenario until CI's limit.
          if (err instanceof EventDataMismatchError) throw err;
          opts.onError?.(err);
          retries++;
          await sleep(200);
          // Committed after all? (The commit can succeed and its answer still be lost.)
          try {
            const [row] = await db
              .select({ id: events.id })
              .from(events)
              .where(sql`${events.body} like ${`%"id":"${streamEventId(opts.prefix, from)}"%`}`)
              .limit(1);
            if (row) {
              opts.onBatch?.((emitted += to - from));
              break;
            }
          } catch {
            /* still down: try the batch again after the pause */
          }
        }
      }
    }
  };
  await Promise.all(Array.from({ length: opts.lanes ?? 4 }, lane));
  return { emitSeconds: (performance.now() - start) / 1000, retries };
}

export async function deliveryStatusCounts(accountIds: string[]) {
  const db = await getDb();
  const rows = await db
    .select({ status: deliveries.status, n: sql<number>`count(*)::int` })
    .from(deliveries)
    .where(inArray(deliveries.accountId, accountIds))
    .groupBy(deliveries.status);
  const out = { pending: 0, succeeded: 0, failed: 0 };
  for (const r of rows) out[r.status] = r.n;
  return out;
}

export async function allDeliveries(accountIds: string[]) {
  const db = await getDb();
  return db
    .select({ id: deliveries.id, status: deliveries.status, attemptCount: deliveries.attemptCount, eventId: deliveries.eventId })
    .from(deliveries)
    .where(inArray(deliveries.accountId, accountIds));
}

/** Deliveries the given worker had claimed (pending, its lease) — what it had in flight when it died. */
export async function claimedBy(workerId: string) {
  const db = await getDb();
  const rows = await db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(and(eq(deliveries.lockedBy, workerId), eq(deliveries.status, "pending")));
  return rows.map((r) => r.id);
}

/** Poll `probe` until it returns true or `timeoutMs` passes; errors (database down) count as "not yet". */
export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return true;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

/**
 * What the receiver saw against what the database says: per webhook-id how many requests,
 * whether each event (data.id) always came with one webhook-id, ids the database does not know.
 */
export function analyse(report: ReceiverReport, deliveryIds: Set<string>) {
  const perId = new Map<string, number>();
  const idsPerEvent = new Map<string, Set<string>>();
  for (const [webhookId, dataId] of report.rows) {
    perId.set(webhookId, (perId.get(webhookId) ?? 0) + 1);
    const set = idsPerEvent.get(dataId) ?? new Set<string>();
    set.add(webhookId);
    idsPerEvent.set(dataId, set);
  }
  const duplicated = [...perId].filter(([, n]) => n > 1).map(([id]) => id);
  return {
    received: report.rows.length,
    unique: perId.size,
    duplicates: report.rows.length - perId.size,
    duplicated,
    missing: [...deliveryIds].filter((id) => !perId.has(id)),
    unknown: [...perId.keys()].filter((id) => !deliveryIds.has(id)),
    eventsWithSeveralIds: [...idsPerEvent].filter(([, s]) => s.size > 1).map(([d]) => d),
  };
}
