import { ConfigError, getConfig } from "@/lib/config";
import { getDbHandle, pgliteLocation } from "@/lib/db";
import { seedDemoData } from "@/lib/demo/seed";
import { log } from "@/lib/log";

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
}
