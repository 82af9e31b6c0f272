import { expect, test, type Page } from "@playwright/test";
import { signInRequest, signInWithForm, signUp } from "../support/accounts";
import { WEBHOOK_URL } from "../support/routes";

// Every page works under its Content-Security-Policy in Chromium (issue 10, item 6): served with
// a nonce policy, no `securitypolicyviolation` event and no CSP console error, hydrated by React,
// and a click does what it should. And no other site can frame a page.

type Watched = Page & { violations: string[] };

async function watch(page: Page): Promise<Watched> {
  const violations: string[] = [];
  // Before any page script: every document reports its violations into a list we read back.
  await page.addInitScript(() => {
    const seen: string[] = [];
    Object.assign(window, { __cspViolations: seen });
    document.addEventListener("securitypolicyviolation", (e) =>
      seen.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  page.on("console", (msg) => {
    if (msg.type() === "error" && /Content Security Policy|Refused to (execute|load|apply|connect|frame)/i.test(msg.text())) {
      violations.push(`console: ${msg.text()}`);
    }
  });
  return Object.assign(page, { violations });
}

/** Goes to `path`: served under a nonce CSP, hydrated, nothing blocked. */
async function visit(page: Watched, path: string) {
  const res = await page.goto(path);
  expect(res?.status(), path).toBe(200);
  expect(res?.headers()["content-security-policy"], `${path}: CSP header`).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  await expectHydrated(page, path);
  await expectNoViolations(page, path);
}

// React marks every element it has hydrated with a `__reactFiber…` property: a blocked script
// leaves the server's HTML without one.
async function expectHydrated(page: Page, what: string) {
  await expect
    .poll(() => page.evaluate(() => Object.keys(document.body).some((k) => k.startsWith("__reactFiber"))), { message: `${what} hydrates` })
    .toBe(true);
}

async function expectNoViolations(page: Watched, what: string) {
  const inPage = await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
  expect([...inPage, ...page.violations], `${what}: CSP violations`).toEqual([]);
}

/** Clicks a client-side link: the same document afterwards proves the router (React) handled it. */
async function followLink(page: Watched, link: ReturnType<Page["getByRole"]>, to: RegExp) {
  await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
  await link.click();
  await expect(page).toHaveURL(to);
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument), "client-side navigation").toBe(true);
  await expectHydrated(page, page.url());
  await expectNoViolations(page, page.url());
}

test("signed out: sign-in, sign-up and the docs work under the CSP", async ({ page: plain }) => {
  const page = await watch(plain);
  await visit(page, "/sign-in");
  await followLink(page, page.getByRole("link", { name: "Create an account" }), /\/sign-up/);
  await visit(page, "/sign-up");
  // The form validates in the browser (a React handler), so a click shows the errors in place.
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Tell us your name.")).toBeVisible();
  await followLink(page, page.getByRole("main").getByRole("link", { name: "Sign in" }), /\/sign-in/);
  await visit(page, "/docs");
  await page.getByRole("button", { name: "Copy code" }).first().click();
  await expectNoViolations(page, "/docs after copying");
});

// Pages are rendered per request and a loaded machine is slow: room for a dozen page loads.
test.describe.configure({ timeout: 150_000 });

/** A fresh account, signed in in the browser through the form; its API context for set-up. */
async function signedIn(page: Watched, baseURL: string) {
  const user = await signUp(baseURL);
  await signInWithForm(page, user);
  await expectHydrated(page, "/dashboard after sign-in");
  await expectNoViolations(page, "sign-in");
  return signInRequest(baseURL, user);
}

test("signed in: the overview, the webhooks list, a new endpoint's form, an endpoint's page and its edit form", async ({ page: plain, baseURL }) => {
  const page = await watch(plain);
  const api = await signedIn(page, baseURL!);
  // An endpoint with a delivery, so its page shows the log and the chart.
  const hook = await api.post("/api/webhooks", { data: { url: WEBHOOK_URL, events: ["conversion.created"], description: "csp" } });
  expect(hook.status()).toBe(201);
  const webhookId = (await hook.json()).id as string;
  expect((await api.post(`/api/webhooks/${webhookId}/test`)).status()).toBe(202);

  await visit(page, "/dashboard");
  const nav = page.getByRole("navigation", { name: "Main" });
  await followLink(page, nav.getByRole("link", { name: "Webhooks" }), /\/dashboard\/webhooks$/);
  await visit(page, "/dashboard/webhooks/new");
  await visit(page, `/dashboard/webhooks/${webhookId}`);
  await expect(page.getByText("conversion.created").first()).toBeVisible();
  await visit(page, `/dashboard/webhooks/${webhookId}/edit`);
  await api.dispose();
});

test("signed in: API keys (creating one) and the dashboard's docs", async ({ page: plain, baseURL }) => {
  const page = await watch(plain);
  const api = await signedIn(page, baseURL!);
  await visit(page, "/dashboard/api-keys");
  await page.getByRole("button", { name: "Create API key" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create an API key" });
  await dialog.getByLabel("Key name").fill("csp check");
  await dialog.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByRole("dialog", { name: "Your new API key" }).getByLabel("API key")).toHaveValue(/^pmk_/);
  await expectNoViolations(page, "/dashboard/api-keys after creating a key");
  await visit(page, "/dashboard/docs");
  await api.dispose();
});

test("another site cannot frame a page", async ({ page, baseURL }) => {
  await page.setContent(`<iframe width="600" height="400"></iframe>`);
  await page.locator("iframe").evaluate(
    (el: HTMLIFrameElement, src) =>
      new Promise((resolve) => {
        el.addEventListener("load", resolve, { once: true });
        el.src = src;
      }),
    `${baseURL}/sign-in`,
  );
  // A refused frame is Chromium's error page: no sign-in form in it.
  const inner = page.frames().find((f) => f !== page.mainFrame());
  expect(inner?.url()).not.toContain("/sign-in");
  await expect(page.frameLocator("iframe").getByRole("heading", { name: "Sign in" })).toHaveCount(0);
});
