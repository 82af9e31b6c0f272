// `npm run test:reliability` — the delivery engine's promises under failure, each scenario in
// its own process (see reliability/README.md). Needs DATABASE_URL (a PostgreSQL server: the
// scenarios create and drop their own databases there) and PostgreSQL 15's binaries for the
// restart scenario's own cluster. Every figure is a JSON line; exit 1 if any promise broke.
//   REL_ONLY=worker-sigkill,chaotic-receiver   run only these
import { spawn } from "node:child_process";
import path from "node:path";
import { requireServerUrl } from "@/lib/testing/scratch-database";
import { print, round } from "./lib";

const SCENARIOS = ["worker-sigkill", "postgres-restart", "chaotic-receiver"] as const;
requireServerUrl("npm run test:reliability");
const only = process.env.REL_ONLY?.split(",").map((s) => s.trim());
const chosen = SCENARIOS.filter((s) => !only || only.includes(s));

const t0 = performance.now();
const results: { scenario: string; ok: boolean; exit: number | null; seconds: number }[] = [];
for (const scenario of chosen) {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", path.join(import.meta.dirname, `${scenario}.mts`)], {
    stdio: "inherit",
    env: process.env,
  });
  // Passed on so a scenario can stop what it started (its own PostgreSQL cluster).
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  const exit = await new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  process.off("SIGINT", forward);
  process.off("SIGTERM", forward);
  results.push({ scenario, ok: exit === 0, exit, seconds: round((performance.now() - started) / 1000) });
}
const ok = results.every((r) => r.ok);
print({ suite: "reliability", ok, seconds: round((performance.now() - t0) / 1000), results });
process.exit(ok ? 0 : 1);
