import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
// timestamp fails. During a rotation (two secrets) either secret verifies. Every language on the
// page runs: python3, php and go must be installed (Debian: python3, php-cli, golang-go; .ci/run
// installs them). A missing one fails its tests with a message saying so; nothing is skipped.

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

/** Fails (never skips) when a runtime the docs page has a snippet for is not installed. */
function requireRuntime(language: string, command: string, versionArgs: string[], aptPackage: string) {
  try {
    execFileSync(command, versionArgs, { stdio: "ignore" });
  } catch {
    throw new Error(`\`${command}\` is missing, and the docs page's ${language} snippets run on it: apt-get install ${aptPackage} (.ci/run installs it).`);
  }
}

/** The expected and the actual verdict of each case, by name, for one readable diff. */
function verdicts(all: Case[], got: boolean[]) {
  return { got: Object.fromEntries(all.map((c, i) => [c.name, got[i]])), want: Object.fromEntries(all.map((c) => [c.name, c.valid])) };
}

/** Runs the Python snippet once over every case; `call` sees body (bytes), headers, secret. */
function runPython(code: string, call: string, all: Case[]): boolean[] {
  const harness = `${code}\nimport json, sys\nresults = []\nfor case in json.load(sys.stdin):\n    body, headers, secret = case["body"].encode(), case["headers"], case["secret"]\n    results.append(${call})\nprint(json.dumps(results))\n`;
  const out = execFileSync("python3", ["-c", harness], { input: JSON.stringify(all) });
  return JSON.parse(out.toString()) as boolean[];
}

/** Runs a PHP snippet (a file that defines the function) once over every case; `call` sees $body, $h, $secret. */
function runPhp(code: string, name: string, call: string, all: Case[]): boolean[] {
  const snippet = path.join(dir, `${name}.php`);
  writeFileSync(snippet, code);
  const harness = `require ${JSON.stringify(snippet)};
$results = [];
foreach (json_decode(stream_get_contents(STDIN), true) as $case) {
    [$body, $h, $secret] = [$case['body'], $case['headers'], $case['secret']];
    $results[] = ${call};
}
echo json_encode($results);`;
  const out = execFileSync("php", ["-r", harness], { input: JSON.stringify(all) });
  return JSON.parse(out.toString()) as boolean[];
}

// The two Go snippets as package `webhooks` (as a customer would drop them in) and a main that
// feeds them every case: `harness signature|standard` reads the cases on stdin.
const GO_MAIN = `package main

import (
	"encoding/json"
	"net/http"
	"os"
	"time"

	"harness/webhooks"
)

type testCase struct {
	Body    string            \`json:"body"\`
	Headers map[string]string \`json:"headers"\`
	Secret  string            \`json:"secret"\`
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	results := make([]bool, len(cases))
	for i, c := range cases {
		if os.Args[1] == "signature" {
			results[i] = webhooks.VerifySignature([]byte(c.Body), c.Headers["x-webhook-signature"], c.Secret, 5*time.Minute)
		} else {
			h := http.Header{}
			for name, value := range c.Headers {
				h.Set(name, value)
			}
			results[i] = webhooks.VerifyStandardWebhook([]byte(c.Body), h, c.Secret, 5*time.Minute)
		}
	}
	json.NewEncoder(os.Stdout).Encode(results)
}
`;

function buildGoHarness(): string {
  const module = path.join(dir, "go-harness");
  mkdirSync(path.join(module, "webhooks"), { recursive: true });
  writeFileSync(path.join(module, "go.mod"), "module harness\n\ngo 1.19\n");
  writeFileSync(path.join(module, "main.go"), GO_MAIN);
  writeFileSync(path.join(module, "webhooks", "signature.go"), VERIFY_SNIPPETS["x-webhook-signature"].go);
  writeFileSync(path.join(module, "webhooks", "standard.go"), VERIFY_SNIPPETS["standard-webhooks"].go);
  const binary = path.join(module, "harness");
  // Standard library only, so it builds offline.
  execFileSync("go", ["build", "-o", binary, "."], { cwd: module, stdio: ["ignore", "pipe", "pipe"] });
  return binary;
}

function runGo(binary: string, scheme: "signature" | "standard", all: Case[]): boolean[] {
  const out = execFileSync(binary, [scheme], { input: JSON.stringify(all) });
  return JSON.parse(out.toString()) as boolean[];
}

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

describe("Python", () => {
  beforeAll(() => requireRuntime("Python", "python3", ["-c", "import sys; assert sys.version_info >= (3, 9)"], "python3"));
  it("X-Webhook-Signature: every case", () => {
    const all = cases();
    const { got, want } = verdicts(all, runPython(VERIFY_SNIPPETS["x-webhook-signature"].python, 'verify_webhook_signature(body, headers.get("x-webhook-signature", ""), secret)', all));
    expect(got).toEqual(want);
  });
  it("Standard Webhooks: every case", () => {
    const all = cases();
    const { got, want } = verdicts(all, runPython(VERIFY_SNIPPETS["standard-webhooks"].python, "verify_standard_webhook(body, headers, secret)", all));
    expect(got).toEqual(want);
  });
});

describe("PHP", () => {
  beforeAll(() => requireRuntime("PHP", "php", ["--version"], "php-cli"));
  it("X-Webhook-Signature: every case", () => {
    const all = cases();
    const call = "verify_webhook_signature($body, $h['x-webhook-signature'] ?? '', $secret)";
    const { got, want } = verdicts(all, runPhp(VERIFY_SNIPPETS["x-webhook-signature"].php, "signature", call, all));
    expect(got).toEqual(want);
  });
  it("Standard Webhooks: every case", () => {
    const all = cases();
    const call = "verify_standard_webhook($body, $h['webhook-id'] ?? '', $h['webhook-timestamp'] ?? '', $h['webhook-signature'] ?? '', $secret)";
    const { got, want } = verdicts(all, runPhp(VERIFY_SNIPPETS["standard-webhooks"].php, "standard", call, all));
    expect(got).toEqual(want);
  });
});

describe("Go", () => {
  let binary: string;
  beforeAll(() => {
    requireRuntime("Go", "go", ["version"], "golang-go");
    binary = buildGoHarness();
  });
  it("X-Webhook-Signature: every case", () => {
    const all = cases();
    const { got, want } = verdicts(all, runGo(binary, "signature", all));
    expect(got).toEqual(want);
  });
  it("Standard Webhooks: every case", () => {
    const all = cases();
    const { got, want } = verdicts(all, runGo(binary, "standard", all));
    expect(got).toEqual(want);
  });
});
