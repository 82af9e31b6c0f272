import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { startReceiver, type Receiver } from "@/lib/testing/receiver";
import { EVENT_TYPES } from "@/lib/webhooks/events";
import { E2E_ENV } from "../../playwright.config";
import { createApiKey, newSession } from "../support/accounts";

// The real `partnersmy` CLI as a child process against the production server: `listen`
// forwards triggered events of every type to a loopback receiver that verifies them with the
// secret it printed (our verify code and the standardwebhooks library), resumes across a server
// restart without losing an event, and refuses a bad key or an unreachable server with exit 1.

const BIN = path.join(process.cwd(), "cli", "partnersmy.mjs");

interface Cli {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number>;
}

function runCli(args: string[], env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
  return { child, output: () => out, exited };
}

async function startListener(baseURL: string, key: string, receiver: Receiver): Promise<Cli> {
  const cli = runCli(["listen", "--forward-to", receiver.url, "--api-key", key, "--base-url", baseURL]);
  await expect.poll(() => cli.output(), { timeout: 30_000 }).toContain("Ready.");
  const secret = /whsec_[A-Za-z0-9+/=]+/.exec(cli.output())![0];
  receiver.setSecrets([secret]);
  return cli;
}

async function trigger(baseURL: string, key: string, event: string): Promise<string> {
  const cli = runCli(["trigger", event, "--api-key", key, "--base-url", baseURL]);
  expect(await cli.exited, cli.output()).toBe(0);
  return /evt_[0-9a-z]+/.exec(cli.output())![0];
}

const eventsOf = (receiver: Receiver) => receiver.received.map((r) => r.webhookId);

test("listen forwards a triggered event of every type, signed both ways with the printed secret", async ({ baseURL }) => {
  test.setTimeout(120_000);
  const { api } = await newSession(baseURL!, "advertiser");
  const key = await createApiKey(api);
  const receiver = await startReceiver();
  const cli = await startListener(baseURL!, key, receiver);
  try {
    const ids: string[] = [];
    for (const event of EVENT_TYPES) ids.push(await trigger(baseURL!, key, event));
    const got = await receiver.waitFor(EVENT_TYPES.length, { timeoutMs: 30_000 });
    expect(got.map((r) => r.webhookId)).toEqual(ids);
    expect(got.map((r) => JSON.parse(r.body).event)).toEqual([...EVENT_TYPES]);
    for (const r of got) {
      expect(r.signatureValid, r.webhookId).toEqual([true]);
      expect(r.standardValid, r.webhookId).toEqual([true]);
    }
    // One line per event: its type, id and the local answer.
    for (const id of ids) await expect.poll(() => cli.output()).toMatch(new RegExp(`${id}\\s+→ 200 in \\d+ ms`));
    // The dashboard sees the session.
    await expect.poll(async () => (await (await api.get("/api/cli-listeners")).json()).data.length).toBe(1);
  } finally {
    cli.child.kill("SIGINT");
    await cli.exited;
    await receiver.close();
  }
  await expect.poll(async () => (await (await api.get("/api/cli-listeners")).json()).data.length).toBe(0);
});

test("listen refuses a bad key and an unreachable server with exit code 1 and one clear line", async ({ baseURL }) => {
  const bad = runCli(["listen", "--forward-to", "http://127.0.0.1:9/x", "--api-key", "pm_not_a_key", "--base-url", baseURL!]);
  expect(await bad.exited).toBe(1);
  expect(bad.output()).toContain("The server refused (401)");
  const port = await freePort();
  const gone = runCli(["listen", "--forward-to", "http://127.0.0.1:9/x", "--api-key", "pm_x", "--base-url", `http://127.0.0.1:${port}`]);
  expect(await gone.exited).toBe(1);
  expect(gone.output()).toContain(`Cannot reach http://127.0.0.1:${port}`);
});

test("listen survives a server restart in the middle: no event lost, none twice", async ({ baseURL }) => {
  test.setTimeout(180_000);
  // A second server of our own on the same database (so it can be restarted); PGlite allows one
  // process per data folder, so there it gets a folder of its own.
  const port = await freePort();
  const own = `http://127.0.0.1:${port}`;
  const pglite = E2E_ENV.DATABASE_URL.startsWith("pglite://");
  const env = { ...E2E_ENV, PORT: String(port), DATABASE_URL: pglite ? `pglite://${path.join(process.cwd(), ".data", `cli-restart-${Date.now()}`)}` : E2E_ENV.DATABASE_URL };
  let server = await startServer(env, own);
  const { api } = await newSession(own, "advertiser");
  const key = await createApiKey(api);
  const receiver = await startReceiver();
  const cli = await startListener(own, key, receiver);
  try {
    const before = await trigger(own, key, "conversion.created");
    await receiver.waitFor(1);
    const justBefore = await trigger(own, key, "conversion.approved"); // maybe not streamed yet when the server dies
    server.kill("SIGKILL");
    await new Promise((r) => server.once("exit", r));
    await expect.poll(() => cli.output(), { timeout: 30_000 }).toContain("Connection lost");
    server = await startServer(env, own);
    await expect.poll(() => cli.output(), { timeout: 30_000 }).toContain("Reconnected");
    const after = await trigger(own, key, "conversion.rejected");
    await receiver.waitFor(3, { timeoutMs: 30_000 });
    expect(eventsOf(receiver)).toEqual([before, justBefore, after]);
    for (const r of receiver.received) expect([r.signatureValid, r.standardValid]).toEqual([[true], [true]]);
  } finally {
    cli.child.kill("SIGINT");
    await cli.exited;
    server.kill("SIGTERM");
    await receiver.close();
  }
});

async function startServer(env: Record<string, string>, url: string): Promise<ChildProcess> {
  const child = spawn("sh", ["-c", "npm run db:migrate >/dev/null && exec node server.mjs -H 127.0.0.1"], { env: { ...process.env, ...env }, stdio: "ignore" });
  await expect
    .poll(async () => fetch(`${url}/api/health`).then((r) => r.status, () => 0), { timeout: 90_000, intervals: [250] })
    .toBe(200);
  return child;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
