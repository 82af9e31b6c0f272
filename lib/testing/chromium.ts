import fs from "node:fs";
import { chromium } from "@playwright/test";

// Which Chromium the browser tests use, decided here only: playwright.config.ts launches it and
// scripts/check-browser.mts stops `npm test` before anything runs when there is none.
// CHROMIUM_PATH, else Debian's package, else Playwright's own download (PLAYWRIGHT_BROWSERS_PATH
// moves where Playwright looks for that).

export const SYSTEM_CHROMIUM = "/usr/bin/chromium";

export const MISSING_CHROMIUM =
  "No Chromium for the browser tests: install Debian's with `sudo apt-get install -y chromium` " +
  "or Playwright's with `npx playwright install chromium`, then run `npm test` again.";

export type FoundChromium = { executablePath: string; source: "system" | "playwright" };

export function findChromium(): FoundChromium | null {
  const system = process.env.CHROMIUM_PATH || SYSTEM_CHROMIUM;
  if (fs.existsSync(system)) return { executablePath: system, source: "system" };
  const own = chromium.executablePath();
  if (own && fs.existsSync(own)) return { executablePath: own, source: "playwright" };
  return null;
}

/** Launch options for Playwright: a system Chromium needs its path and container-friendly flags. */
export function chromiumLaunchOptions(found = findChromium()) {
  if (found?.source !== "system") return {};
  return {
    executablePath: found.executablePath,
    args: ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  };
}
