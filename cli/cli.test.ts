import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startReceiver, type Receiver } from "@/lib/testing/receiver";
import { formatEventLine } from "./format";
import { CliError } from "./http";
import { forward } from "./listen";
import { main } from "./main";
import { DEFAULT_BASE_URL, resolveConnection } from "./options";

// The CLI's own logic, with no server behind it: where the key and server come from, the line it
// prints, what it sends to the local URL (a real loopback receiver verifies both signatures with
// the session secret), and how it fails. The CLI against the real server is e2e/api/cli.spec.ts.

describe("key and server", () => {
  it("the flag wins over the environment, which wins over the default server", () => {
    const env = { PARTNERSMY_API_KEY: "pmk_env", PARTNERSMY_BASE_URL: "https://env.example/" };
    expect(resolveConnection({ apiKey: "pmk_flag", baseUrl: "https://flag.example" }, env)).toEqual({ apiKey: "pmk_flag", baseUrl: "https://flag.example" });
    expect(resolveConnection({}, env)).toEqual({ apiKey: "pmk_env", baseUrl: "https://env.example" });
    expect(resolveConnection({ apiKey: "pmk_flag" }, {})).toEqual({ apiKey: "pmk_flag", baseUrl: DEFAULT_BASE_URL });
    // A path prefix is kept (a server behind a sub-path); only trailing slashes go.
    expect(resolveConnection({ baseUrl: "http://127.0.0.1:3000/app//" }, env).baseUrl).toBe("http://127.0.0.1:3000/app");
  });

  it("no key, a blank key or a server that is not an http(s) URL is a clear error", () => {
    expect(() => resolveConnection({}, {})).toThrow(CliError);
    expect(() => resolveConnection({}, {})).toThrow(/--api-key or set PARTNERSMY_API_KEY/);
    expect(() => resolveConnection({}, { PARTNERSMY_API_KEY: "  " })).toThrow(/No API key/);
    expect(() => resolveConnection({ apiKey: "k", baseUrl: "localhost:3000" }, {})).toThrow(/http:\/\/ or https:\/\//);
    expect(() => resolveConnection({ apiKey: "k", baseUrl: "not a url" }, {})).toThrow(/is not a URL/);
  });
});

describe("the line per event", () => {
  it("has the time, the event type padded to a column, the id, the status and the duration", () => {
    const at = new Date("2026-12-02T13:05:07.120Z");
    expect(formatEventLine({ at, type: "conversion.created", eventId: "evt_abc", status: 200, ms: 12.4 })).toBe(
      "2026-12-02T13:05:07.120Z  conversion.created   evt_abc  → 200 in 12 ms",
    );
    expect(formatEventLine({ at, type: "partnership.created", eventId: "evt_def", status: { error: "connect ECONNREFUSED 127.0.0.1:4000" }, ms: 3 })).toBe(
      "2026-12-02T13:05:07.120Z  partnership.created  evt_def  → error (connect ECONNREFUSED 127.0.0.1:4000) in 3 ms",
    );
  });
});

describe("forwarding to the local URL", () => {
  let receiver: Receiver;
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  beforeAll(async () => {
    receiver = await startReceiver({ secrets: [secret] });
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it("sends the body as is, signed with the session secret in both schemes, with the event id as webhook-id", async () => {
    const body = JSON.stringify({ event: "conversion.approved", data: { id: "conv_1", type: "sale", amount: 100, status: "approved" }, timestamp: new Date().toISOString() });
    receiver.respondWith({ status: 204, body: "" });
    const line = await forward(receiver.url, secret, "evt_forward1", "conversion.approved", body);
    expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z {2}conversion\.approved {2}evt_forward1 {2}→ 204 in \d+ ms$/);
    const [got] = await receiver.waitFor(1, { filter: (r) => r.webhookId === "evt_forward1" });
    expect(got!.body).toBe(body);
    expect(got!.headers["x-webhook-event"]).toBe("conversion.approved");
    expect(got!.signatureValid).toEqual([true]);
    expect(got!.standardValid).toEqual([true]);
  });

  it("prints the local answer's status, and why there was none", async () => {
    receiver.respondWith({ status: 500, body: "boom" });
    expect(await forward(receiver.url, secret, "evt_forward2", "conversion.created", "{}")).toContain("evt_forward2  → 500 in ");
    const closed = await closedPort();
    expect(await forward(`http://127.0.0.1:${closed}/hooks`, secret, "evt_forward3", "conversion.created", "{}")).toMatch(/→ error \(.*ECONNREFUSED.*\) in \d+ ms$/);
  });
});

describe("the commands", () => {
  it("exit 1 with one clear line when there is no key or the server cannot be reached, ≠ 0 on a bad argument", async () => {
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((m: string) => void errors.push(m));
    const saved = { key: process.env.PARTNERSMY_API_KEY, url: process.env.PARTNERSMY_BASE_URL };
    delete process.env.PARTNERSMY_API_KEY;
    delete process.env.PARTNERSMY_BASE_URL;
    try {
      expect(await main(["node", "partnersmy", "trigger", "conversion.created"])).toBe(1);
      expect(errors.at(-1)).toMatch(/^Error: No API key/);
      const closed = await closedPort();
      expect(await main(["node", "partnersmy", "trigger", "conversion.created", "--api-key", "pmk_x", "--base-url", `http://127.0.0.1:${closed}`])).toBe(1);
      expect(errors.at(-1)).toMatch(new RegExp(`^Error: Cannot reach http://127\\.0\\.0\\.1:${closed} .*Is the server running\\?`));
      // commander prints its own message for these.
      vi.spyOn(process.stderr, "write").mockImplementation(() => true);
      expect(await main(["node", "partnersmy", "listen", "--api-key", "pmk_x"])).not.toBe(0); // no --forward-to
      const argErrors: string[] = [];
      vi.spyOn(process.stderr, "write").mockImplementation((m) => argErrors.push(String(m)) > 0);
      expect(await main(["node", "partnersmy", "listen", "--api-key", "pmk_x", "--forward-to", "localhost:4000"])).not.toBe(0);
      expect(argErrors.join("")).toContain("must be an absolute http(s) URL");
    } finally {
      vi.restoreAllMocks();
      if (saved.key !== undefined) process.env.PARTNERSMY_API_KEY = saved.key;
      if (saved.url !== undefined) process.env.PARTNERSMY_BASE_URL = saved.url;
    }
  });
});

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
