import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeliveryHeaders } from "@/lib/webhooks/signing";
import { generateSigningSecret } from "@/lib/webhooks/secrets";
import { VERIFY_SNIPPETS } from "./verify-snippets";

// The snippets customers copy from the dashboard, run as written against deliveries signed by
// the real signer: a correct delivery passes, and tampering, a wrong secret or an old
// timestamp fails. During a rotation (two secrets) either secret verifies. PHP and Go are not
// installed here, so those two snippets are checked by review only.

type Headers = Record<string, string>;
interface Case {
  name: string;
  body: string;
  headers: Headers;
  secret: string;
  valid: boolean;
}

const body = JSON.stringify({ event: "conversion.created", data: { id: "conv_1", type: "sale", amount: 4999, status: "pending" }, timestamp: "2026-01-15T10:30:00.000Z" });
const current = generateSigningSecret();
const previous = generateSigningSecret();
const stranger = generateSigningSecret();
const now = () => Math.floor(Date.now() / 1000);

function sign(secrets: string[], timestamp = now(), payload = body): Headers {
  return buildDeliveryHeaders({ deliveryId: "dlv_test123", eventType: "conversion.created", attemptNumber: 1, body: payload, secrets, timestamp });
}

// What every snippet must get right, in both schemes.
function cases(): Case[] {
  const rotating = sign([current, previous]);
  return [
    { name: "accepts a genuine delivery", body, headers: sign([current]), secret: current, valid: true },
    { name: "rotation: accepts with the new secret", body, headers: rotating, secret: current, valid: true },
    { name: "rotation: accepts with the previous secret", body, headers: rotating, secret: previous, valid: true },
    { name: "rotation: rejects an unrelated secret", body, headers: rotating, secret: stranger, valid: false },
    { name: "rejects a tampered body", body: body.replace("4999", "9999"), headers: sign([current]), secret: current, valid: false },
    { name: "rejects a wrong secret", body, headers: sign([current]), secret: stranger, valid: false },
    { name: "rejects a timestamp older than 5 minutes", body, headers: sign([current], now() - 360), secret: current, valid: false },
    { name: "accepts a timestamp 4 minutes old", body, headers: sign([current], now() - 240), secret: current, valid: true },
    { name: "rejects a timestamp 6 minutes in the future", body, headers: sign([current], now() + 360), secret: current, valid: false },
    { name: "rejects missing headers", body, headers: {}, secret: current, valid: false },
  ];
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "verify-snippets-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function loadNode(code: string, name: string) {
  const file = path.join(dir, `${name}.mjs`);
  writeFileSync(file, code);
  return (await import(/* @vite-ignore */ pathToFileURL(file).href)) as Record<string, (...args: unknown[]) => boolean>;
}

/** Runs the Python snippet once over every case; `call` sees body (bytes), headers, secret. */
function runPython(code: string, call: string, all: Case[]): boolean[] {
  const harness = `${code}\nimport json, sys\nresults = []\nfor case in json.load(sys.stdin):\n    body, headers, secret = case["body"].encode(), case["headers"], case["secret"]\n    results.append(${call})\nprint(json.dumps(results))\n`;
  const out = execFileSync("python3", ["-c", harness], { input: JSON.stringify(all) });
  return JSON.parse(out.toString()) as boolean[];
}

const hasPython = (() => {
  try {
    execFileSync("python3", ["-c", "import sys; assert sys.version_info >= (3, 9)"]);
    return true;
  } catch {
    return false;
  }
})();

describe("Node: X-Webhook-Signature", () => {
  let fn: (...args: unknown[]) => boolean;
  beforeAll(async () => {
    fn = (await loadNode(VERIFY_SNIPPETS["x-webhook-signature"].node, "node-signature")).verifyWebhookSignature!;
  });
  it.each(cases())("$name", (c) => {
    expect(fn(Buffer.from(c.body), c.headers["x-webhook-signature"], c.secret)).toBe(c.valid);
    expect(fn(c.body, c.headers["x-webhook-signature"], c.secret)).toBe(c.valid);
  });
});

describe("Node: Standard Webhooks", () => {
  let fn: (...args: unknown[]) => boolean;
  beforeAll(async () => {
    fn = (await loadNode(VERIFY_SNIPPETS["standard-webhooks"].node, "node-standard")).verifyStandardWebhook!;
  });
  it.each(cases())("$name", (c) => {
    expect(fn(Buffer.from(c.body), c.headers, c.secret)).toBe(c.valid);
  });
  it("agrees with the official standardwebhooks library", () => {
    for (const c of cases()) {
      let libraryValid = true;
      try {
        new Webhook(c.secret).verify(c.body, c.headers);
      } catch {
        libraryValid = false;
      }
      expect(fn(c.body, c.headers, c.secret), c.name).toBe(libraryValid);
    }
  });
});

describe.skipIf(!hasPython)("Python", () => {
  it("X-Webhook-Signature: every case", () => {
    const all = cases();
    const got = runPython(VERIFY_SNIPPETS["x-webhook-signature"].python, 'verify_webhook_signature(body, headers.get("x-webhook-signature", ""), secret)', all);
    expect(Object.fromEntries(all.map((c, i) => [c.name, got[i]]))).toEqual(Object.fromEntries(all.map((c) => [c.name, c.valid])));
  });
  it("Standard Webhooks: every case", () => {
    const all = cases();
    const got = runPython(VERIFY_SNIPPETS["standard-webhooks"].python, "verify_standard_webhook(body, headers, secret)", all);
    expect(Object.fromEntries(all.map((c, i) => [c.name, got[i]]))).toEqual(Object.fromEntries(all.map((c) => [c.name, c.valid])));
  });
});
