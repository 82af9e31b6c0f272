// Scenario b — PostgreSQL itself is restarted (pg_ctl restart -m fast on a throwaway cluster of
// our own) while 10 000 events stream to the receiver. Promise: the worker survives, zero lost,
// duplicates only for what was in flight when the database went away, always with the same
// webhook-id.
//   REL_PG_EVENTS (default 10000), REL_RATE events/s (default 400), REL_PGPORT (default 25450)
import { and, eq, gt } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { deliveries } from "@/lib/db/schema";
import { startOwnCluster, waitUntil } from "./lib";
import { runStreamScenario } from "./stream";

const scenario = "postgres-restart";
const ATTEMPT_TIMEOUT_MS = 2000; // WEBHOOK_TIMEOUT_MS given to the worker (stream.ts)
// Below Linux's ephemeral range (32768–60999): a port in it can be taken as the local end of an
// outgoing connection, before the cluster starts or while it restarts (CI saw "address in use").
const cluster = startOwnCluster(Number(process.env.REL_PGPORT ?? 25450));
let promises;
try {
  promises = await runStreamScenario({
    scenario,
    databaseUrl: cluster.url,
    events: Number(process.env.REL_PG_EVENTS ?? 10000),
    endpoints: 8,
    ratePerS: Number(process.env.REL_RATE ?? 400),
    disruptions: [
      {
        atFraction: 0.4,
        async run() {
          // Restart at a moment something is claimed, so attempts are in flight. The worker keeps
          // retrying an attempt's bookkeeping until its lease (timeout 2 s + 5 s) runs out; if the
          // database is away longer than that, the attempt is sent again. So a duplicate is
          // explained when its first receipt falls between one attempt timeout before the
          // restart and a moment after the database is back.
          const db = await getDb();
          const claimedNow = () =>
            db
              .select({ id: deliveries.id })
              .from(deliveries)
              .where(and(eq(deliveries.status, "pending"), gt(deliveries.lockedUntil, new Date())));
          let claimed: { id: string }[] = [];
          await waitUntil(async () => (claimed = await claimedNow()).length > 0, 3000, 5);
          const down = Date.now();
          await cluster.restartAsync();
          const up = Date.now();
          return { ids: claimed.map((r) => r.id), window: [down - ATTEMPT_TIMEOUT_MS - 1000, up + 2000] };
        },
      },
    ],
    deadlineMs: 150_000,
  });
} finally {
  cluster.stop();
}
promises.finish(scenario);
