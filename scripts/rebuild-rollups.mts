// npm run rollups:rebuild — recompute the dashboard's rollups (webhook_hourly_stats) from the raw
// deliveries and attempts of the database DATABASE_URL names (or the embedded PGlite), e.g. after
// restoring a backup or editing rows by hand. Safe while the app runs: writers wait for it.
import { closeDb, getDb } from "@/lib/db";
import { retentionCutoff } from "@/lib/webhooks/retention";
import { rebuildRollups } from "@/lib/webhooks/rollups";

const started = performance.now();
try {
  await rebuildRollups(await getDb(), retentionCutoff(new Date()));
  console.log(`rebuilt the delivery rollups in ${Math.round(performance.now() - started)} ms`);
} finally {
  await closeDb();
}
