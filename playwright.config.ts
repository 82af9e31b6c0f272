import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { chromiumLaunchOptions } from "./lib/testing/chromium";

// e2e runs against a production build (`next build` first; scripts/test.sh does it) served by
// `npm start`'s server.mjs (next start plus the client's socket address), on PostgreSQL when E2E_DATABASE_URL or DATABASE_URL is set (scripts/test.sh
// gives it a database of its own), else on a fresh file-backed PGlite.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${PORT}`;
const databaseUrl = process.env.E2E_DATABASE_URL || process.env.DATABASE_URL || `pglite://${path.join(os.tmpdir(), `pm-e2e-${process.pid}-${Date.now()}`)}`;

// The Chromium lib/testing/chromium.ts picks (Debian's where it exists; Playwright cannot
// download its own browser here).
const launchOptions = chromiumLaunchOptions();

export const E2E_ENV = {
  NODE_ENV: "production",
  PORT: String(PORT),
  DATABASE_URL: databaseUrl,
  AUTH_SECRET: "e2e-auth-secret-0123456789abcdefghijklmnop",
  AUTH_TRUST_HOST: "true",
  WEBHOOK_SECRET_KEY: "e2e-webhook-secret-key-0123456789abcdef",
  WEBHOOK_ENGINE: "embedded",
  WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
  WEBHOOK_RETRY_DELAYS_MS: "400,800,1200",
  WEBHOOK_TIMEOUT_MS: "3000",
  DEMO_SEED: "false",
  // Every spec signs up fresh accounts from 127.0.0.1; the per-address sign-up limit would stop them.
  RATE_LIMIT_SIGNUP_PER_HOUR: "100000",
  // The fuzz and the long-page specs send hundreds of test events and rotations from one account;
  // those limits' 429s are proven through the real route handlers in test-event.test.ts and
  // webhooks.test.ts.
  RATE_LIMIT_TEST_SENDS_PER_MINUTE: "100000",
  RATE_LIMIT_ROTATIONS_PER_HOUR: "100000",
  // Specs that test per-address limits call from addresses of their own (127.0.0.x); these leave
  // room for the wrong passwords and bad keys the other specs send from 127.0.0.1.
  RATE_LIMIT_SIGNIN_PER_ADDRESS_15M: "60",
  RATE_LIMIT_API_KEY_FAILURES_PER_MINUTE: "200",
};

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  // locale: the specs read English, so Chromium asks for it (Accept-Language: en-US) whatever the
  // machine's language; the Spanish specs set their own.
  use: { baseURL, locale: "en-US", trace: "retain-on-failure", screenshot: "only-on-failure", launchOptions },
  projects: [
    { name: "api", testDir: "e2e/api" },
    { name: "dashboard", testDir: "e2e/dashboard", use: { viewport: { width: 1280, height: 800 } } },
  ],
  webServer: {
    command: "npm run db:migrate && node server.mjs -H 127.0.0.1",
    url: `${baseURL}/api/health`,
    env: E2E_ENV,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
