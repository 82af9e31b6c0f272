import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer as createHttpServer } from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/lib/config";
import { useFastDeliverySettings } from "@/lib/testing/webhook-fixtures";
import { sendWebhook } from "./send";

// One attempt's three deadlines, against real sockets on loopback: a receiver that accepts the
// connection and never answers, a connection that never completes, and an answer that never ends.

const cleanups: (() => unknown)[] = [];
beforeAll(() => {
  useFastDeliverySettings();
  resetConfigForTests();
});
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
});

const post = (url: string, timeouts: { timeoutMs: number; connectTimeoutMs: number; firstByteTimeoutMs: number }) =>
  sendWebhook({ url, headers: { "content-type": "application/json" }, body: "{}", allowPrivate: true, ...timeouts });

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as AddressInfo).port;
}

/**
 * A port whose connections never complete: a listener that never accepts (its process is
 * stopped) with its accept queue filled, so the kernel drops every further SYN.
 */
async function unconnectablePort(): Promise<number> {
  const script = `const s = require("node:net").createServer();
s.listen({ port: 0, host: "127.0.0.1", backlog: 1 }, () => console.log(s.address().port));`;
  const child: ChildProcess = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  cleanups.push(async () => {
    child.kill("SIGKILL");
    if (child.exitCode === null && child.signalCode === null) await once(child, "exit");
  });
  const [chunk] = (await once(child.stdout!, "data")) as [Buffer];
  const port = Number(chunk.toString().trim());
  child.kill("SIGSTOP");
  // Fill the queue: connect until a connection does not complete (a dropped SYN is only resent after 1 s).
  for (let i = 0; i < 20; i++) {
    const filler = net.connect(port, "127.0.0.1");
    filler.on("error", () => {});
    cleanups.push(() => filler.destroy());
    const connected = await Promise.race([
      once(filler, "connect").then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 1000)),
    ]);
    if (!connected) return port;
  }
  throw new Error("the stopped listener kept accepting connections");
}

describe("sendWebhook deadlines", () => {
  it("gives up on a receiver that accepts the connection but never answers at the first-byte timeout", async () => {
    const requests: string[] = [];
    const port = await listen(
      createHttpServer((req) => {
        requests.push(req.url ?? "");
        // Read the whole request, never answer.
        req.resume();
      }),
    );
    const r = await post(`http://127.0.0.1:${port}/hook`, { timeoutMs: 10_000, connectTimeoutMs: 5_000, firstByteTimeoutMs: 300 });
    expect(r).toMatchObject({ statusCode: null, responseBodyExcerpt: null });
    expect(r.error).toBe(`No answer from 127.0.0.1:${port} within 300 ms of connecting (first-byte timeout)`);
    expect(requests).toEqual(["/hook"]); // the request did reach the receiver
    expect(r.durationMs).toBeGreaterThanOrEqual(290);
    expect(r.durationMs).toBeLessThan(10_000);
  });

  it("gives up on a connection that never completes at the connect timeout", async () => {
    const port = await unconnectablePort();
    const r = await post(`http://127.0.0.1:${port}/hook`, { timeoutMs: 10_000, connectTimeoutMs: 300, firstByteTimeoutMs: 5_000 });
    expect(r).toMatchObject({ statusCode: null, responseBodyExcerpt: null });
    expect(r.error).toBe(`Could not connect to 127.0.0.1:${port} within 300 ms (connect timeout)`);
    expect(r.durationMs).toBeGreaterThanOrEqual(290);
    expect(r.durationMs).toBeLessThan(10_000);
  });

  it("still ends an answer that starts in time but never finishes at the attempt timeout", async () => {
    const port = await listen(
      createHttpServer((_req, res) => {
        res.writeHead(200, { "content-type": "text/plain" });
        res.write("partial"); // …and never end
      }),
    );
    const r = await post(`http://127.0.0.1:${port}/hook`, { timeoutMs: 400, connectTimeoutMs: 5_000, firstByteTimeoutMs: 5_000 });
    expect(r.error).toBe("Timed out after 400 ms");
    expect(r.statusCode).toBeNull();
  });

  it("answers within the deadlines succeed, on a new and on a reused connection", async () => {
    const port = await listen(createHttpServer((_req, res) => res.end("ok")));
    const timeouts = { timeoutMs: 2_000, connectTimeoutMs: 1_000, firstByteTimeoutMs: 1_000 };
    for (let i = 0; i < 2; i++) {
      const r = await post(`http://127.0.0.1:${port}/hook`, timeouts);
      expect(r).toMatchObject({ statusCode: 200, error: null, responseBodyExcerpt: "ok" });
    }
  });
});
