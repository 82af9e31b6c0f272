import { expect, test } from "@playwright/test";
import { signInRequest, signInWithForm, signUp } from "../support/accounts";

// Issue 10: signing out ends a session for good, and "Sign out everywhere" ends all of them.

test("Sign out everywhere ends the user's sessions in other browsers too, and this one", async ({ baseURL, page }) => {
  const user = await signUp(baseURL!);
  const otherBrowser = await signInRequest(baseURL!, user);
  expect((await otherBrowser.get("/api/webhooks")).status()).toBe(200);

  await signInWithForm(page, user);
  const sessions = page.getByRole("region", { name: "Your sessions" });
  await sessions.getByRole("button", { name: "Sign out everywhere" }).click();
  await page.waitForURL("**/sign-in**");

  // The other browser's cookie is refused by the API and by the dashboard's guard.
  const api = await otherBrowser.get("/api/webhooks");
  expect(api.status()).toBe(401);
  expect((await api.json()).error.code).toBe("unauthorized");
  const dashboard = await otherBrowser.get("/dashboard", { maxRedirects: 0 });
  expect(dashboard.status()).toBe(307);
  expect(new URL(dashboard.headers()["location"]!, baseURL).pathname).toBe("/sign-in");

  // This browser is signed out; signing in again works as usual.
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/sign-in/);
  await signInWithForm(page, user);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();
  await otherBrowser.dispose();
});

test("after Sign out, going back to a dashboard page (a cached cookie) lands on sign-in", async ({ baseURL, page, context }) => {
  const user = await signUp(baseURL!);
  await signInWithForm(page, user);
  const saved = (await context.cookies()).filter((c) => c.name === "authjs.session-token");
  expect(saved).toHaveLength(1);
  await page.getByRole("region", { name: "Your account" }).getByRole("button", { name: "Sign out", exact: true }).click();
  await page.waitForURL("**/sign-in**");

  // Put the old cookie back, as a copy of it would be.
  await context.addCookies(saved);
  await page.goto("/dashboard/webhooks");
  await expect(page).toHaveURL(/\/sign-in/);
});
