// Scenario a — the worker process is SIGKILLed and restarted twice while 10 000 events stream
// to a receiver in another process. Promise: zero lost, duplicates only for what the killed
// worker had claimed, always with the same webhook-id.
//   REL_EVENTS (default 10000), REL_RATE events/s (default 400)
import { createScratchDatabase, requireServerUrl } from "@/lib/testing/scratch-database";
import { runStreamScenario } from "./stream";

const scenario = "worker-sigkill";
const scratch = await createScratchDatabase(requireServerUrl("npm run test:reliability"), "rel");
let promises;
try {
  promises = await runStreamScenario({
    scenario,
    databaseUrl: scratch.url,
    events: Number(process.env.REL_EVENTS ?? 10_000),
    endpoints: 8,
    ratePerS: Number(process.env.REL_RATE ?? 400),
    disruptions: [
      { atFraction: 0.3, run: ({ supervisor }) => supervisor.kill() },
      { atFraction: 0.6, run: ({ supervisor }) => supervisor.kill() },
    ],
    deadlineMs: 150_000,
  });
} finally {
  await scratch.drop();
}
promises.finish(scenario);
