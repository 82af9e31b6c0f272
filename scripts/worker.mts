// `npm run worker` — the embedded delivery engine as its own process, sharing the work with
// the web server's worker and any other worker processes through PostgreSQL leases.
//   --account <id>     only deliver for this account (repeatable; tests sharing a database)
//   --concurrency <n>  attempts in flight at once (default 32)
import { parseArgs } from "node:util";
import { getConfig } from "@/lib/config";
import { closeDb, getDeliveryDbHandle } from "@/lib/db";
import { log } from "@/lib/log";
import { startNoticeSchedule, stopNoticeSchedule } from "@/lib/webhooks/notices";
import { startRetentionSchedule, stopRetentionSchedule } from "@/lib/webhooks/retention";
import { startRollupFoldSchedule, stopRollupFoldSchedule } from "@/lib/webhooks/rollups";
import { DeliveryWorker } from "@/lib/webhooks/worker";

const { values } = parseArgs({
  options: {
    account: { type: "string", multiple: true },
    concurrency: { type: "string" },
  },
});

const config = getConfig();
if (!config.databaseUrl || config.databaseUrl.startsWith("pglite://")) {
  console.error(
    "npm run worker needs DATABASE_URL to point at PostgreSQL: the embedded PGlite database belongs to the web server process.",
  );
  process.exit(1);
}
await getDeliveryDbHandle();

const worker = new DeliveryWorker({
  accountIds: values.account,
  concurrency: values.concurrency ? Number(values.concurrency) : undefined,
});
await worker.start();
// Hourly retention (lib/webhooks/retention.ts); idempotent, so every worker process may run it.
startRetentionSchedule();
// Endpoint notices (halfway warnings, mail, operational events); leased, so every worker may run it.
startNoticeSchedule();
// The dashboard rollups' fold (lib/webhooks/rollups.ts); one folder at a time, the others skip.
startRollupFoldSchedule();
console.log(JSON.stringify({ msg: "worker ready", workerId: worker.id, pid: process.pid }));

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info("worker stopping", { signal, workerId: worker.id });
  try {
    await Promise.all([worker.stop(), stopRetentionSchedule(), stopNoticeSchedule(), stopRollupFoldSchedule()]);
    await closeDb();
  } finally {
    process.exit(0);
  }
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
