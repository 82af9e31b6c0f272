import { expect, request as playwrightRequest, test, type Page } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { signInWithForm, signUp } from "../support/accounts";

// The dashboard's front door and API keys, through a real browser against the production build.

const SCREENS = "test-results/screens";

async function fillSignUp(page: Page, person: { name: string; email: string; password: string; accountName: string }) {
  await page.getByLabel("Your name").fill(person.name);
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill(person.password);
  await page.getByLabel("Company or brand name").fill(person.accountName);
}

test("sign up, sign out, and sign back in through the forms", async ({ page }) => {
  const suffix = randomBytes(4).toString("hex");
  const person = {
    name: "Marta Ruiz",
    email: `marta-${suffix}@example.test`,
    password: "a long enough password",
    accountName: `Ruiz Outdoor ${suffix}`,
  };

  await page.goto("/sign-up");
  await expect(page.getByRole("heading", { name: "Create your account" })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/sign-up.png`, fullPage: true });
  await fillSignUp(page, person);
  await page.getByRole("radio", { name: /Advertiser/ }).check();
  await page.getByRole("button", { name: "Create account" }).click();

  await page.waitForURL("**/dashboard");
  await expect(page.getByRole("heading", { name: "Welcome, Marta" })).toBeVisible();
  const account = page.getByRole("region", { name: "Your account" });
  await expect(account.getByText(person.accountName)).toBeVisible();
  await expect(account.getByText("Advertiser", { exact: true })).toBeVisible();
  await expect(account.getByText(person.email)).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "page");
  await page.screenshot({ path: `${SCREENS}/dashboard-overview.png`, fullPage: true });

  await account.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL("**/sign-in**");

  // Signed out, the dashboard sends you to sign in.
  await page.goto("/dashboard/api-keys");
  await expect(page).toHaveURL(/\/sign-in/);

  // A wrong password: a clear message, no session.
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "don't match" })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.screenshot({ path: `${SCREENS}/sign-in-error.png`, fullPage: true });

  // The right one lands on the page asked for before signing in.
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/dashboard/api-keys");
  await expect(page.getByRole("heading", { name: "API keys", exact: true })).toBeVisible();

  // And, signed out again, the plain sign-in page goes to the overview.
  await page.getByRole("region", { name: "Your account" }).getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL("**/sign-in**");
  await signInWithForm(page, person);
  await expect(page.getByRole("region", { name: "Your account" }).getByText(person.accountName)).toBeVisible();
});

test("sign-in page", async ({ page }) => {
  await page.goto("/sign-in");
  await expect(page.getByRole("link", { name: "Create an account" })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/sign-in.png`, fullPage: true });
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page).toHaveURL(/\/sign-up/);
});

test("sign-up shows the API's validation and duplicate-email errors next to the fields", async ({ page, baseURL }) => {
  const existing = await signUp(baseURL!, "affiliate");

  await page.goto("/sign-up");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Use at least 10 characters.")).toBeVisible();
  await expect(page.getByText("Tell us your name.")).toBeVisible();
  await expect(page.getByText("Choose advertiser or affiliate.")).toBeVisible();
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
  await page.screenshot({ path: `${SCREENS}/sign-up-errors.png`, fullPage: true });

  await fillSignUp(page, { ...existing, password: "another long password" });
  await page.getByRole("radio", { name: /Affiliate/ }).check();
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign in instead" })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-up/);
});

test("an API key is shown once, works on /api/v1, is refused by session routes, and can be revoked", async ({ page, baseURL }) => {
  const user = await signUp(baseURL!);
  await signInWithForm(page, user);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API keys" }).click();
  await expect(page.getByText("No API keys yet")).toBeVisible();

  // Create: an empty name is refused inline by the API.
  await page.getByRole("button", { name: "Create API key" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Create an API key" });
  await expect(dialog.getByLabel("Key name")).toBeFocused();
  await dialog.getByRole("button", { name: "Create key" }).click();
  await expect(dialog.getByText("Name the key so you can tell it apart later.")).toBeVisible();
  await dialog.getByLabel("Key name").fill("Production server");
  await dialog.getByRole("button", { name: "Create key" }).click();

  const reveal = page.getByRole("dialog", { name: "Your new API key" });
  await expect(reveal.getByText("Shown once — copy it now")).toBeVisible();
  const key = await reveal.getByLabel("API key").inputValue();
  expect(key).toMatch(/^pmk_\S{20,}$/);
  await reveal.getByRole("button", { name: "Copy API key" }).click();
  await expect(reveal.getByRole("button", { name: "Copied" })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/api-keys-created.png`, fullPage: true });

  // The key works where keys belong and is refused where a session is needed.
  const withKey = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${key}` } });
  const sessionRoute = await withKey.get("/api/api-keys");
  expect(sessionRoute.status()).toBe(401);
  expect((await sessionRoute.json()).error.message).toMatch(/session/i);
  expect((await withKey.get("/api/v1/programs")).status()).toBe(200);

  // Closed, the key is gone for good: only its prefix remains, also after a reload.
  await reveal.getByRole("button", { name: "Done" }).click();
  await expect(reveal).toBeHidden();
  const prefix = key.slice(0, 12);
  const row = page.getByTestId("api-key-row").filter({ hasText: "Production server" });
  await expect(row).toContainText(`${prefix}…`);
  await expect(row).toContainText("Active");
  expect(await page.content()).not.toContain(key);
  await page.reload();
  await expect(row).toContainText(`${prefix}…`);
  expect(await page.content()).not.toContain(key);
  await page.screenshot({ path: `${SCREENS}/api-keys-list.png`, fullPage: true });

  // Revoke, confirming first; Escape cancels without revoking.
  await row.getByRole("button", { name: "Revoke Production server" }).click();
  const confirm = page.getByRole("dialog", { name: "Revoke API key?" });
  await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(confirm).toBeHidden();
  await expect(row).toContainText("Active");

  await row.getByRole("button", { name: "Revoke Production server" }).click();
  await confirm.getByRole("button", { name: "Revoke key" }).click();
  await expect(confirm).toBeHidden();
  await expect(row).toContainText("Revoked");
  await expect(row.getByRole("button", { name: /Revoke/ })).toHaveCount(0);
  await page.screenshot({ path: `${SCREENS}/api-keys-revoked.png`, fullPage: true });

  const refused = await withKey.get("/api/v1/programs");
  expect(refused.status()).toBe(401);
  await withKey.dispose();
});

test("on a phone the navigation sits behind a Menu button", async ({ page, baseURL }) => {
  const user = await signUp(baseURL!, "affiliate");
  await page.setViewportSize({ width: 375, height: 812 });
  await signInWithForm(page, user);
  await expect(page.getByRole("navigation", { name: "Main (mobile)" })).toHaveCount(0);
  const menu = page.getByRole("button", { name: "Menu" });
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await page.screenshot({ path: `${SCREENS}/mobile-overview.png`, fullPage: true });

  await menu.click();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  const nav = page.getByRole("navigation", { name: "Main (mobile)" });
  await expect(page.getByRole("region", { name: "Your account" }).getByText("Affiliate", { exact: true })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/mobile-menu.png`, fullPage: true });

  await nav.getByRole("link", { name: "API keys" }).click();
  await page.waitForURL("**/dashboard/api-keys");
  await expect(nav).toHaveCount(0);
  await page.screenshot({ path: `${SCREENS}/mobile-api-keys.png`, fullPage: true });
});
