// `npm run bench` — delivery engine figures against PostgreSQL (DATABASE_URL), loopback only.
// Prints one JSON line per figure:
//   throughput       end-to-end deliveries/s through the embedded engine to a verifying receiver
//                    in another process, next to two ceilings at the same concurrency (loops of
//                    signed POSTs to the same receiver, medians of alternating rounds after a
//                    warm-up): the product's sendWebhook (`ratio`, target ≥ 0.4) and a bare undici
//                    Pool, the HTTP client's own limit here (`ratio_to_undici`, target ≥ 0.5);
//   latency          API response (commit) → receipt p50/p99 at a steady 200 events/s (targets
//                    10 ms / 50 ms), and emit → receipt including the outbox write;
//   fanout           one event to 100 endpoints, until all received (target < 1 s);
//   noisy_neighbour  one account's commit → receipt p50/p99 at a steady 50 events/s alone, then
//                    again while another account's 10 endpoints accept and never answer, with a
//                    backlog of 500 deliveries to them (target: p99_with / p99_alone ≤ 2).
//   log              p50/p99 of the delivery log and stats routes at BENCH_LOG_ROWS deliveries (bench/log.mts).
//   ingest           closed-loop POST /api/v1/conversions through the production server with 32
//                    clients: requests/s, server CPU per request, delivery lag, RSS, /api/health as
//                    the baseline; embedded worker vs a separate `npm run worker` (bench/ingest.ts).
// BENCH_FIGURES=noisy_neighbour,latency picks some of them (default: all). BENCH_DB_PREFIX names
// the scratch database (default "bench").
import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import path from "node:path";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb, migratePostgres } from "@/lib/db";
import { accounts, webhooks, webhookSecrets } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { wakeDeliveryEngine } from "@/lib/webhooks/engine";
import { EVENT_CATALOGUE } from "@/lib/webhooks/events";
import { enqueueEvent } from "@/lib/webhooks/outbox";
import { encryptSecret, generateSigningSecret } from "@/lib/webhooks/secrets";
import { createScratchDatabase, requireServerUrl } from "@/lib/testing/scratch-database";
import { sendWebhook } from "@/lib/webhooks/send";
import { buildDeliveryHeaders } from "@/lib/webhooks/signing";
import { DeliveryWorker } from "@/lib/webhooks/worker";
import { Pool } from "undici";
import { benchIngest } from "./ingest";
import { benchLog } from "./log.mjs";
import { percentile, round } from "./support";

const serverUrl = requireServerUrl("npm run bench");
// A database of its own, so the workers run as in production: unscoped, the only work there.
const scratch = await createScratchDatabase(serverUrl, process.env.BENCH_DB_PREFIX || "bench");
process.env.DATABASE_URL = scratch.url;
process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "true"; // the receiver is on loopback
process.env.LOG_LEVEL ??= "warn";
resetConfigForTests();

const THROUGHPUT_ENDPOINTS = 8;
const THROUGHPUT_EVENTS = 500; // × 8 endpoints = 4000 deliveries
const CEILING_ROUNDS = Number(process.env.BENCH_CEILING_ROUNDS ?? 5);
const CEILING_WARMUP_POSTS = 1000;
const CONCURRENCY = 32;
const PER_ENDPOINT = 4;
const LATENCY_RATE = 200; // events/s
const LATENCY_SECONDS = 5;
const FANOUT = 100;
const NOISY_RATE = 50; // events/s to the victim
const NOISY_SECONDS = 10;
const NOISY_HANGING_ENDPOINTS = 10;
const NOISY_BACKLOG = 500;
const NOISY_WAIT_MS = 60_000; // after the last event; a victim still waiting then is reported as starved
const FIGURES = process.env.BENCH_FIGURES?.split(",").map((f) => f.trim());
const wanted = (figure: string) => !FIGURES || FIGURES.includes(figure);

await migratePostgres(scratch.url);
const db = await getDb();
const secret = generateSigningSecret();
const receiver = await startReceiverProcess();
receiver.call({ type: "configure", secret });

try {
  if (wanted("throughput")) await benchThroughput();
  if (wanted("latency")) await benchLatency();
  if (wanted("fanout")) await benchFanout();
  if (wanted("noisy_neighbour")) await benchNoisyNeighbour();
  if (wanted("ingest")) await benchIngest({ db, databaseUrl: scratch.url, receiver, secret, print });
  if (wanted("log")) await benchLog(scratch.url);
} finally {
  await receiver.close();
  await closeDb();
  await scratch.drop();
}

async function benchThroughput() {
  const { accountId, urls } = await createAccountWithEndpoints(THROUGHPUT_ENDPOINTS);
  const body = JSON.stringify({ event: "conversion.created", data: EVENT_CATALOGUE["conversion.created"].sample, timestamp: new Date().toISOString() });

  const total = THROUGHPUT_EVENTS * THROUGHPUT_ENDPOINTS;
  const ceilings = await measureCeilings(urls, body, total);

  // Engine: the deliveries are written first, then a worker drains them.
  await receiver.reset();
  for (let i = 0; i < THROUGHPUT_EVENTS; i += 50) {
    await db.transaction(async (tx) => {
      for (let j = i; j < Math.min(i + 50, THROUGHPUT_EVENTS); j++) {
        await enqueueEvent(tx, { type: "conversion.created", data: EVENT_CATALOGUE["conversion.created"].sample, recipientAccountIds: [accountId] });
      }
    });
  }
  const worker = new DeliveryWorker({ concurrency: CONCURRENCY, perEndpoint: PER_ENDPOINT });
  const t1 = performance.now();
  await worker.start();
  await receiver.waitForCount(total, 120_000);
  const engineSeconds = (performance.now() - t1) / 1000;
  await worker.stop();
  const engineReport = await receiver.report();

  const engine = total / engineSeconds;
  const { sendWebhook: send, undici } = ceilings;
  print({
    figure: "throughput",
    deliveries: total,
    endpoints: THROUGHPUT_ENDPOINTS,
    concurrency: CONCURRENCY,
    engine_per_s: round(engine),
    // The ceilings are medians over CEILING_ROUNDS rounds (after a warm-up), their order alternating.
    ceiling_rounds: CEILING_ROUNDS,
    ceiling_per_s: round(send.medianPerSecond),
    ratio: round(engine / send.medianPerSecond, 3),
    target_ratio: 0.4,
    undici_per_s: round(undici.medianPerSecond),
    ratio_to_undici: round(engine / undici.medianPerSecond, 3),
    target_ratio_to_undici: 0.5,
    send_webhook_ratio_to_undici: round(send.medianPerSecond / undici.medianPerSecond, 3),
    send_webhook_rounds_per_s: send.perSecond.map((n) => round(n)),
    undici_rounds_per_s: undici.perSecond.map((n) => round(n)),
    // This process's CPU per POST (medians): the client loops; PostgreSQL's and the receiver's are not in it.
    send_webhook_cpu_us_per_post: round(send.medianCpuUsPerPost),
    undici_cpu_us_per_post: round(undici.medianCpuUsPerPost),
    load_average_1m: round(os.loadavg()[0]!, 2),
    invalid_signatures: engineReport.invalid + send.invalid + undici.invalid,
  });
}

async function benchLatency() {
  const { accountId } = await createAccountWithEndpoints(1);
  await receiver.reset();
  const worker = new DeliveryWorker({ concurrency: CONCURRENCY, perEndpoint: PER_ENDPOINT });
  await worker.start();
  const emitted = new Map<string, number>();
  const committed = new Map<string, number>();
  const count = LATENCY_RATE * LATENCY_SECONDS;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    // A fixed schedule, not "sleep after each": the rate holds even when an emit is slow.
    const due = start + (i * 1000) / LATENCY_RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const at = performance.timeOrigin + performance.now();
    const { deliveryIds } = await db.transaction((tx) =>
      enqueueEvent(tx, { type: "conversion.created", data: EVENT_CATALOGUE["conversion.created"].sample, recipientAccountIds: [accountId] }),
    );
    committed.set(deliveryIds[0]!, performance.timeOrigin + performance.now());
    await wakeDeliveryEngine(deliveryIds);
    emitted.set(deliveryIds[0]!, at);
  }
  await receiver.waitForCount(count, 60_000);
  await worker.stop();
  const report = await receiver.report();
  const mine = report.receipts.filter(([id]) => emitted.has(id));
  // The target is "from the API call's response to the receipt": an API call answers after its
  // transaction commits (and the engine is woken), so commit → receipt is that figure, slightly
  // pessimistic. emit → receipt adds the outbox transaction itself, for reference.
  const latencies = mine.map(([id, at]) => at - committed.get(id)!).sort((a, b) => a - b);
  const fromEmit = mine.map(([id, at]) => at - emitted.get(id)!).sort((a, b) => a - b);
  const writes = [...emitted].map(([id, at]) => committed.get(id)! - at).sort((a, b) => a - b);
  print({
    figure: "latency",
    events: count,
    rate_per_s: LATENCY_RATE,
    measured_from: "commit (the API call's response)",
    p50_ms: round(percentile(latencies, 0.5), 2),
    p99_ms: round(percentile(latencies, 0.99), 2),
    max_ms: round(latencies.at(-1) ?? NaN, 2),
    outbox_write_p50_ms: round(percentile(writes, 0.5), 2),
    emit_to_receipt_p50_ms: round(percentile(fromEmit, 0.5), 2),
    emit_to_receipt_p99_ms: round(percentile(fromEmit, 0.99), 2),
    target_p50_ms: 10,
    target_p99_ms: 50,
    invalid_signatures: report.invalid,
  });
}

async function benchFanout() {
  const { accountId } = await createAccountWithEndpoints(FANOUT);
  await receiver.reset();
  const worker = new DeliveryWorker({ concurrency: CONCURRENCY, perEndpoint: PER_ENDPOINT });
  await worker.start();
  const t0 = performance.timeOrigin + performance.now();
  const { deliveryIds } = await db.transaction((tx) =>
    enqueueEvent(tx, { type: "conversion.created", data: EVENT_CATALOGUE["conversion.created"].sample, recipientAccountIds: [accountId] }),
  );
  await wakeDeliveryEngine(deliveryIds);
  await receiver.waitForCount(FANOUT, 30_000);
  await worker.stop();
  const report = await receiver.report();
  const last = Math.max(...report.receipts.map(([, at]) => at));
  print({ figure: "fanout", endpoints: FANOUT, all_received_ms: round(last - t0, 1), target_ms: 1000, invalid_signatures: report.invalid });
}

async function benchNoisyNeighbour() {
  const victim = await createAccountWithEndpoints(1);
  const hanging = await startHangingServer();
  const worker = new DeliveryWorker({ concurrency: CONCURRENCY, perEndpoint: PER_ENDPOINT });
  await worker.start();
  try {
    const alone = await victimLatencies(victim.accountId);
    // The neighbour: endpoints that accept the connection and never answer, and a backlog.
    const neighbour = await createAccountWithEndpoints(NOISY_HANGING_ENDPOINTS, hanging.url);
    const perEvent = NOISY_BACKLOG / NOISY_HANGING_ENDPOINTS;
    for (let i = 0; i < perEvent; i += 10) {
      const ids = await db.transaction(async (tx) => {
        const all: string[] = [];
        for (let j = i; j < Math.min(i + 10, perEvent); j++) {
          const { deliveryIds } = await enqueueEvent(tx, { type: "conversion.created", data: EVENT_CATALOGUE["conversion.created"].sample, recipientAccountIds: [neighbour.accountId] });
          all.push(...deliveryIds);
        }
        return all;
      });
      await wakeDeliveryEngine(ids);
    }
    // Let the neighbour fill the worker before the victim's events start.
    await hanging.waitForOpen(Math.min(CONCURRENCY, NOISY_HANGING_ENDPOINTS * PER_ENDPOINT), 30_000);
    const withNeighbour = await victimLatencies(victim.accountId);
    print({
      figure: "noisy_neighbour",
      rate_per_s: NOISY_RATE,
      events: NOISY_RATE * NOISY_SECONDS,
      hanging_endpoints: NOISY_HANGING_ENDPOINTS,
      backlog: NOISY_BACKLOG,
      concurrency: CONCURRENCY,
      measured_from: "commit (the API call's response)",
      alone_p50_ms: round(alone.p50, 2),
      alone_p99_ms: round(alone.p99, 2),
      with_neighbour_p50_ms: round(withNeighbour.p50, 2),
      with_neighbour_p99_ms: round(withNeighbour.p99, 2),
      with_neighbour_max_ms: round(withNeighbour.max, 2),
      // false: some victim deliveries had not arrived NOISY_WAIT_MS after the last event (their
      // latency is counted as the time waited, so the percentiles are lower bounds).
      with_neighbour_all_received: withNeighbour.complete,
      with_neighbour_received: withNeighbour.received,
      neighbour_requests_open: hanging.open,
      ratio_p99: round(withNeighbour.p99 / alone.p99, 2),
      target_ratio_p99: 2,
      invalid_signatures: alone.invalid + withNeighbour.invalid,
    });
  } finally {
    await worker.stop();
    await hanging.close();
  }
}

/**
 * The HTTP ceilings at CONCURRENCY: `total` signed POSTs to the receiver through the product's
 * sendWebhook (node http Agent), and through a bare undici Pool (keep-alive, the client's own
 * limit on this box). A warm-up of each first (JIT, sockets), then CEILING_ROUNDS rounds of both,
 * alternating which goes first, since the box is shared and noisy; medians reported.
 */
async function measureCeilings(urls: string[], body: string, total: number) {
  const sign = (i: number) =>
    buildDeliveryHeaders({ deliveryId: `dlv_bench${i}`, eventType: "conversion.created", attemptNumber: 1, body, secrets: [secret] });
  const pool = new Pool(new URL(urls[0]!).origin, { connections: CONCURRENCY, keepAliveTimeout: 60_000 });
  const loops = {
    sendWebhook: async (i: number) => {
      const r = await sendWebhook({ url: urls[i % urls.length]!, headers: sign(i), body });
      if (r.statusCode !== 200) throw new Error(`sendWebhook ceiling POST failed: ${r.error}`);
    },
    undici: async (i: number) => {
      const res = await pool.request({ path: new URL(urls[i % urls.length]!).pathname, method: "POST", headers: sign(i), body });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`undici ceiling POST failed: HTTP ${res.statusCode}`);
    },
  };
  type Name = keyof typeof loops;
  const runs: Record<Name, Array<Awaited<ReturnType<typeof signedPostLoop>>>> = { sendWebhook: [], undici: [] };
  try {
    for (const name of ["sendWebhook", "undici"] as const) await signedPostLoop(CEILING_WARMUP_POSTS, loops[name]);
    for (let round = 0; round < CEILING_ROUNDS; round++) {
      const order: Name[] = round % 2 === 0 ? ["undici", "sendWebhook"] : ["sendWebhook", "undici"];
      for (const name of order) runs[name].push(await signedPostLoop(total, loops[name]));
    }
  } finally {
    await pool.close();
  }
  const summary = (name: Name) => ({
    perSecond: runs[name].map((r) => r.perSecond),
    medianPerSecond: median(runs[name].map((r) => r.perSecond)),
    medianCpuUsPerPost: median(runs[name].map((r) => (r.cpuMs * 1000) / total)),
    invalid: runs[name].reduce((n, r) => n + r.invalid, 0),
  });
  return { sendWebhook: summary("sendWebhook"), undici: summary("undici") };
}

/** `total` signed POSTs, CONCURRENCY at a time, to the receiver: rate, this process's CPU, bad signatures. */
async function signedPostLoop(total: number, post: (i: number) => Promise<void>) {
  await receiver.reset();
  let next = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) await post(next++);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const { invalid } = await receiver.report();
  return { perSecond: total / seconds, cpuMs: (cpu.user + cpu.system) / 1000, invalid };
}

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The victim's commit → receipt latencies at NOISY_RATE for NOISY_SECONDS. */
async function victimLatencies(accountId: string) {
  await receiver.reset();
  const committed = new Map<string, number>();
  const count = NOISY_RATE * NOISY_SECONDS;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = start + (i * 1000) / NOISY_RATE - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const { deliveryIds } = await db.transaction((tx) =>
      enqueueEvent(tx, { type: "conversion.created", data: EVENT_CATALOGUE["conversion.created"].sample, recipientAccountIds: [accountId] }),
    );
    committed.set(deliveryIds[0]!, performance.timeOrigin + performance.now());
    await wakeDeliveryEngine(deliveryIds);
  }
  // Starved deliveries count as "at least this late" once the wait ends.
  const complete = await receiver.waitForCount(count, NOISY_WAIT_MS, { orGiveUp: true });
  const report = await receiver.report();
  const giveUpAt = performance.timeOrigin + performance.now();
  const receipts = new Map(report.receipts.filter(([id]) => committed.has(id)));
  const latencies = [...committed].map(([id, at]) => (receipts.get(id) ?? giveUpAt) - at).sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies.at(-1) ?? NaN,
    received: receipts.size,
    complete,
    invalid: report.invalid,
  };
}

/** Endpoints that accept the connection, read the request and never answer. */
async function startHangingServer() {
  const sockets = new Set<Socket>();
  let open = 0;
  const server: Server = createServer((_req, res) => {
    open++;
    res.on("close", () => open--);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get open() {
      return open;
    },
    async waitForOpen(n: number, timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      while (open < n) {
        if (Date.now() > deadline) throw new Error(`hanging server has ${open} of ${n} requests open`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function createAccountWithEndpoints(n: number, baseUrl = receiver.url) {
  const accountId = newId("account");
  await db.insert(accounts).values({ id: accountId, kind: "advertiser", name: "bench" });
  const urls: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = newId("webhook");
    const endpoint = `${baseUrl}/${i}`;
    urls.push(endpoint);
    await db.insert(webhooks).values({ id, accountId, url: endpoint, events: ["conversion.created"] });
    await db.insert(webhookSecrets).values({ id: newId("webhookSecret"), webhookId: id, ciphertext: encryptSecret(secret) });
  }
  return { accountId, urls };
}

type Report = { count: number; invalid: number; receipts: [string, number][] };

async function startReceiverProcess() {
  const child: ChildProcess = fork(path.join(import.meta.dirname, "receiver-process.mts"), {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = await nextMessage<{ url: string }>(child, "ready");
  const call = (msg: unknown) => child.send(msg as object);
  return {
    url: ready.url.replace(/\/webhooks$/, ""),
    call,
    async reset() {
      call({ type: "reset" });
      call({ type: "count" }); // IPC is ordered: once this answers, the reset happened
      await nextMessage(child, "count");
    },
    async report(): Promise<Report> {
      call({ type: "report" });
      return nextMessage<Report>(child, "report");
    },
    async waitForCount(n: number, timeoutMs: number, opts: { orGiveUp?: boolean } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        call({ type: "count" });
        const { count } = await nextMessage<{ count: number }>(child, "count");
        if (count >= n) return true;
        if (Date.now() > deadline) {
          if (opts.orGiveUp) return false;
          throw new Error(`receiver got ${count} of ${n}`);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async close() {
      call({ type: "close" });
      await new Promise((r) => child.once("exit", r));
    },
  };
}

function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (msg: { type: string } & T) => {
      if (msg.type !== type) return;
      child.off("message", on);
      resolve(msg);
    };
    child.on("message", on);
  });
}

function print(figure: Record<string, unknown>) {
  console.log(JSON.stringify(figure));
}
