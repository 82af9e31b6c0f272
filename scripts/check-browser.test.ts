import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { MISSING_CHROMIUM } from "@/lib/testing/chromium";

// `npm test` on a machine without Chromium: the browser is hidden from the check by pointing
// CHROMIUM_PATH and PLAYWRIGHT_BROWSERS_PATH at places that hold none.

const ROOT = path.resolve(import.meta.dirname, "..");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "pm-check-browser-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const noBrowser = {
  CHROMIUM_PATH: path.join(scratch, "no-chromium-here"),
  PLAYWRIGHT_BROWSERS_PATH: path.join(scratch, "no-playwright-browsers"),
};

function run(command: string, args: string[], env: Record<string, string>) {
  return spawnSync(command, args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8", timeout: 60_000 });
}

describe("the browser check", () => {
  test("npm test without a Chromium stops at once with the one sentence that says how to install it", () => {
    // Any later step would go through npx: this one records that it was called, and fails.
    const bin = path.join(scratch, "bin");
    const called = path.join(scratch, "npx-called");
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, "npx"), `#!/bin/sh\necho "$@" >> "${called}"\nexit 1\n`, { mode: 0o755 });

    const result = run("bash", ["scripts/test.sh"], { ...noBrowser, PATH: `${bin}:${process.env.PATH}` });

    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(MISSING_CHROMIUM);
    expect(result.stderr).toContain("apt-get install -y chromium");
    expect(result.stderr).toContain("npx playwright install chromium");
    expect(result.stdout).toBe("");
    expect(fs.existsSync(called), "nothing after the check ran").toBe(false);
  });

  test("a Chromium where CHROMIUM_PATH points lets npm test go on", () => {
    const chromium = path.join(scratch, "chromium");
    fs.writeFileSync(chromium, "", { mode: 0o755 });
    const result = run(process.execPath, ["--import", "tsx", "scripts/check-browser.mts"], { ...noBrowser, CHROMIUM_PATH: chromium });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
