import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";

// A real `npm run worker` process (scripts/worker.mts) for tests that need several worker
// processes on one PostgreSQL database; it claims only `accountId`'s deliveries, since other
// test files share the database. It inherits the test's environment (retry delays and such).

export async function spawnWorkerProcess(accountId: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const root = path.resolve(import.meta.dirname, "../..");
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/worker.mts", "--account", accountId], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "development", WEBHOOK_ENGINE: "embedded", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("worker ready")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`worker exited with ${code} before it was ready: ${out}`)));
  });
  return child;
}

/** SIGTERM: the worker finishes what is in flight and hands back the rest. */
export async function stopWorkerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  await once(child, "exit");
}
