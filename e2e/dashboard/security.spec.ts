import { expect, test } from "@playwright/test";
import { newSession } from "../support/accounts";
import { WEBHOOK_URL } from "../support/routes";

// Text people typed is shown as text: markup in a webhook's description (or an API key's name)
// never runs in the dashboard.

const PAYLOAD = `<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>`;

test("HTML and script in a webhook description and an API key name are rendered inert", async ({ page, baseURL, context }) => {
  const { api } = await newSession(baseURL!);
  const created = await api.post("/api/webhooks", { data: { url: WEBHOOK_URL, events: ["conversion.created"], description: PAYLOAD } });
  expect(created.status(), await created.text()).toBe(201);
  const webhookId = (await created.json()).id as string;
  expect((await api.post("/api/api-keys", { data: { name: PAYLOAD } })).status()).toBe(201);
  // The browser gets the same session cookie the API context signed in with.
  await context.addCookies((await api.storageState()).cookies);

  await page.goto("/dashboard/webhooks");
  await expect(page.getByText(PAYLOAD, { exact: true })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  expect(await page.locator("img[src=x]").count()).toBe(0);

  await page.goto(`/dashboard/webhooks/${webhookId}`);
  await expect(page.getByText(PAYLOAD, { exact: true }).first()).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();

  await page.goto("/dashboard/api-keys");
  await expect(page.getByText(PAYLOAD, { exact: true }).first()).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  expect(await page.locator("img[src=x]").count()).toBe(0);
});
