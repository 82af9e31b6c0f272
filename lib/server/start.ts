import "server-only";
import { ConfigError, getConfig } from "@/lib/config";
import { getDbHandle, pgliteLocation } from "@/lib/db";
import { seedDemoData } from "@/lib/demo/seed";
import { log } from "@/lib/log";
import { processSlot } from "@/lib/singleton";
import { describeDeliveryEngine, startDeliveryEngine, stopDeliveryEngine } from "@/lib/webhooks/engine";
import { startNoticeSchedule, stopNoticeSchedule } from "@/lib/webhooks/notices";
import { startRetentionSchedule, stopRetentionSchedule } from "@/lib/webhooks/retention";
import { startRollupFoldSchedule, stopRollupFoldSchedule } from "@/lib/webhooks/rollups";

/**
 * Server start-up (from instrumentation.ts, Node runtime only, never during `next build`):
 * validate the configuration loudly, open the database, seed demo data on an empty embedded
 * database, and start the embedded delivery worker when that is the engine.
 */
export async function startServer(): Promise<void> {
  let config;
  try {
    config = getConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`\nPartnersMy cannot start.\n${err.message}\nSee README.md → Configuration.\n`);
      process.exit(1);
    }
    throw err;
  }
  const { driver } = await getDbHandle();
  log.info("database ready", { driver, location: pgliteLocation() ?? "DATABASE_URL" });
  if (config.demoSeed && driver === "pglite") await seedDemoData();

  log.info(`webhook delivery engine: ${describeDeliveryEngine()}`);
  // WEBHOOK_SERVER_WORKER=false: `npm run worker` processes deliver (and run the timers below).
  const serverWorker = config.engine === "embedded" && config.serverWorker;
  if (config.engine === "embedded" && !serverWorker) {
    if (driver === "pglite") log.warn("WEBHOOK_SERVER_WORKER=false on PGlite: nothing delivers (`npm run worker` needs PostgreSQL)");
    else log.info("no delivery worker in this server (WEBHOOK_SERVER_WORKER=false): `npm run worker` processes deliver");
  }
  if (serverWorker) await startDeliveryEngine();
  // Retention, endpoint notices and the rollups' fold: the inngest engine has crons
  // (prune-deliveries, check-endpoint-health, fold-rollups); the embedded one timers here.
  if (serverWorker) {
    startRetentionSchedule();
    startNoticeSchedule();
    startRollupFoldSchedule();
  }
  stopWorkerOnShutdown();
}

// Finish attempts in flight and hand back unstarted claims before the process goes.
function stopWorkerOnShutdown() {
  const hooked = processSlot("shutdownHooked");
  if (hooked.get()) return;
  hooked.set(true);
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      Promise.all([stopDeliveryEngine(), stopRetentionSchedule(), stopNoticeSchedule(), stopRollupFoldSchedule()])
        .catch((err) => log.error("stopping the delivery worker failed", { err }))
        .finally(() => process.exit(0));
    });
  }
}
