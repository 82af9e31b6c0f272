import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { createLog, REDACTED } from "./log";

// What the server would print, captured from a real pino destination (a file), read back as
// the JSON lines an operator or a log shipper would see.
const dir = mkdtempSync(path.join(tmpdir(), "log-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function logToFile(name: string, write: (log: ReturnType<typeof createLog>) => void) {
  const file = path.join(dir, `${name}.log`);
  const destination = pino.destination({ dest: file, sync: true });
  write(createLog(destination, "debug"));
  destination.flushSync();
  const text = readFileSync(file, "utf8");
  return { text, lines: text.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const apiKey = "pmk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0";
const sessionCookie = "authjs.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0.secret-part";
const signingSecret = "whsec_c2VjcmV0LXNpZ25pbmcta2V5LWJ5dGVzLTEyMzQ1Njc4OQ==";
const password = "correct horse battery staple";

describe("log", () => {
  it("redacts API keys, cookies, secrets and passwords wherever they sit, and keeps the rest", () => {
    const { text, lines } = logToFile("redaction", (log) =>
      log.info("request", {
        req: {
          method: "POST",
          path: "/api/webhooks",
          headers: { authorization: `Bearer ${apiKey}`, "x-api-key": apiKey, cookie: sessionCookie, "user-agent": "curl/8" },
        },
        res: { status: 201, headers: { "set-cookie": [sessionCookie] } },
        webhook: { id: "wh_123", secret: signingSecret },
        input: { email: "ann@example.com", password },
        apiKey,
      }),
    );
    for (const leaked of [apiKey, sessionCookie, signingSecret, password, "secret-part"]) expect(text).not.toContain(leaked);
    expect(lines[0]).toMatchObject({
      level: "info",
      msg: "request",
      req: { method: "POST", path: "/api/webhooks", headers: { authorization: REDACTED, "x-api-key": REDACTED, cookie: REDACTED, "user-agent": "curl/8" } },
      res: { status: 201, headers: { "set-cookie": REDACTED } },
      webhook: { id: "wh_123", secret: REDACTED },
      input: { email: "ann@example.com", password: REDACTED },
      apiKey: REDACTED,
    });
  });

  it("writes one JSON line per call with the level's name, an ISO time and an error's stack", () => {
    const { lines } = logToFile("shape", (log) => {
      log.debug("first", { n: 1 });
      log.error("second", { err: new Error("boom") });
    });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: "debug", msg: "first", n: 1 });
    expect(new Date(lines[0]!.time as string).toISOString()).toBe(lines[0]!.time);
    expect(lines[1]).toMatchObject({ level: "error", msg: "second", err: { type: "Error", message: "boom" } });
    expect((lines[1]!.err as { stack: string }).stack).toContain("log.test.ts");
  });

  it("drops lines below its level", () => {
    const file = path.join(dir, "level.log");
    const destination = pino.destination({ dest: file, sync: true });
    const log = createLog(destination, "warn");
    log.info("hidden");
    log.warn("shown");
    destination.flushSync();
    expect(readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l).msg)).toEqual(["shown"]);
  });
});
