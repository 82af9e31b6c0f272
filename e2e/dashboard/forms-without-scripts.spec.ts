import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { startAccessLogProxy, type AccessLogProxy } from "../support/access-log-proxy";
import { signUp } from "../support/accounts";

// The forms that carry a password, with JavaScript disabled in Chromium (scripts that never
// load: a slow network, a blocked chunk, a strict extension). The browser then submits them
// itself: they must POST, the password must stay out of every URL and out of the request log
// (the access log of a proxy in front of the server), and they must work and explain errors
// as they do with scripts.

let proxy: AccessLogProxy;
let context: BrowserContext;

test.beforeEach(async ({ browser, baseURL }) => {
  proxy = await startAccessLogProxy(baseURL!);
  context = await noScripts(browser, proxy.url);
});
test.afterEach(async () => {
  await context?.close();
  await proxy?.close();
});

function noScripts(browser: Browser, baseURL: string) {
  return browser.newContext({ javaScriptEnabled: false, baseURL, viewport: { width: 1280, height: 800 } });
}

/** Every URL the page asked for or was sent to, in order. */
function recordUrls(page: Page): string[] {
  const urls: string[] = [];
  page.on("request", (r) => urls.push(r.url()));
  page.on("framenavigated", (f) => urls.push(f.url()));
  return urls;
}

function expectNowhere(secret: string, where: { urls: string[]; log: string[]; finalUrl: string }) {
  for (const form of [secret, encodeURIComponent(secret), secret.replaceAll(" ", "+")]) {
    expect(where.finalUrl).not.toContain(form);
    expect(where.urls.filter((u) => u.includes(form))).toEqual([]);
    expect(where.log.filter((entry) => entry.includes(form))).toEqual([]);
  }
}

test("sign-in without scripts posts the form, shows a wrong password's error, then signs in; the password is in no URL or log line", async ({}, testInfo) => {
  const page = await context.newPage();
  const urls = recordUrls(page);
  const user = await signUp(proxy.url);
  const wrong = `wrong pass ${randomBytes(6).toString("hex")}`;

  // The log records query strings: a GET-submitted form would be there.
  await page.goto("/sign-in?from=no-script-check");
  expect(proxy.log.some((entry) => entry.startsWith("GET /sign-in?from=no-script-check"))).toBe(true);
  const form = page.locator("form").filter({ has: page.getByLabel("Password") });
  await expect(form).toHaveAttribute("method", /^post$/i);

  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(wrong);
  const posted = page.waitForRequest((r) => r.method() === "POST");
  await page.getByRole("button", { name: "Sign in" }).click();
  // The password went in the request body, the only place for it.
  expect((await posted).postData()).toContain(wrong);
  await expect(page.getByRole("alert").filter({ hasText: "don't match" })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByLabel("Email")).toHaveValue(user.email);
  await expect(page.getByLabel("Password")).toHaveValue("");

  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/dashboard");
  await expect(page.getByRole("region", { name: "Your account" }).getByText(user.accountName)).toBeVisible();

  expect(proxy.log.filter((entry) => entry.startsWith("POST /sign-in"))).toHaveLength(2);
  const where = { urls, log: proxy.log, finalUrl: page.url() };
  expectNowhere(wrong, where);
  expectNowhere(user.password, where);
  await testInfo.attach("access log", { body: proxy.log.map((e) => e.split("\n")[0]).join("\n"), contentType: "text/plain" });
});

test("sign-in without scripts goes back to the page that asked for it", async () => {
  const page = await context.newPage();
  const urls = recordUrls(page);
  const user = await signUp(proxy.url);

  await page.goto("/dashboard/api-keys");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/dashboard/api-keys");
  await expect(page.getByRole("heading", { name: "API keys", exact: true })).toBeVisible();
  expectNowhere(user.password, { urls, log: proxy.log, finalUrl: page.url() });
});

test("sign-up without scripts shows the same field errors, keeps what was typed but the password, and signs in", async () => {
  const page = await context.newPage();
  const urls = recordUrls(page);
  const suffix = randomBytes(4).toString("hex");
  const short = `sh${suffix.slice(0, 4)}`;
  const password = `a long enough password ${suffix}`;
  const existing = await signUp(proxy.url, "affiliate");

  await page.goto("/sign-up");
  await expect(page.locator("form").filter({ has: page.getByLabel("Password") })).toHaveAttribute("method", /^post$/i);
  await page.getByLabel("Email").fill(`nina-${suffix}@example.test`);
  await page.getByLabel("Password").fill(short);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Use at least 10 characters.")).toBeVisible();
  await expect(page.getByText("Tell us your name.")).toBeVisible();
  await expect(page.getByText("Choose advertiser or affiliate.")).toBeVisible();
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Email")).toHaveValue(`nina-${suffix}@example.test`);
  await expect(page.getByLabel("Password")).toHaveValue("");

  // An email that has an account: the API's message and the way to sign in instead.
  await page.getByLabel("Your name").fill("Nina Berg");
  await page.getByLabel("Email").fill(existing.email);
  await page.getByLabel("Password").fill(password);
  await page.getByLabel("Company or brand name").fill(`Berg Studio ${suffix}`);
  await page.getByRole("radio", { name: /Affiliate/ }).check();
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign in instead" })).toBeVisible();
  await expect(page.getByRole("radio", { name: /Affiliate/ })).toBeChecked();
  await expect(page.getByLabel("Company or brand name")).toHaveValue(`Berg Studio ${suffix}`);

  await page.getByLabel("Email").fill(`nina-${suffix}@example.test`);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/dashboard");
  const account = page.getByRole("region", { name: "Your account" });
  await expect(account.getByText(`Berg Studio ${suffix}`)).toBeVisible();
  await expect(account.getByText("Affiliate", { exact: true })).toBeVisible();

  expect(proxy.log.filter((entry) => entry.startsWith("POST /sign-up"))).toHaveLength(3);
  const where = { urls, log: proxy.log, finalUrl: page.url() };
  expectNowhere(short, where);
  expectNowhere(password, where);
});
