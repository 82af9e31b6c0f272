// Scenario b — PostgreSQL itself is restarted (pg_ctl restart -m fast on a throwaway cluster of
// our own) while events stream to the receiver. Promise: the worker survives (or the suite
// restarts it if it dies), zero lost, duplicates only for what was claimed when the database
// went away, always with the same webhook-id.
//   REL_PG_EVENTS (default 3000), REL_RATE events/s (default 400), REL_PGPORT (default 55450)
import { and, eq, gt } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { deliveries } from "@/lib/db/schema";
import { startOwnCluster } from "./lib";
import { runStreamScenario } from "./stream";

const scenario = "postgres-restart";
const cluster = startOwnCluster(Number(process.env.REL_PGPORT ?? 55450));
let promises;
try {
  promises = await runStreamScenario({
    scenario,
    databaseUrl: cluster.url,
    events: Number(process.env.REL_PG_EVENTS ?? 3000),
    endpoints: 8,
    ratePerS: Number(process.env.REL_RATE ?? 400),
    disruptions: [
      {
        atFraction: 0.4,
        async run() {
          // What is claimed right now may be sent and its outcome lost with the connection.
          const db = await getDb();
          const claimed = await db
            .select({ id: deliveries.id })
            .from(deliveries)
            .where(and(eq(deliveries.status, "pending"), gt(deliveries.lockedUntil, new Date())));
          await cluster.restartAsync();
          return claimed.map((r) => r.id);
        },
      },
    ],
    workerMayExit: true,
    deadlineMs: 150_000,
  });
} finally {
  cluster.stop();
}
promises.finish(scenario);
