import { expect, test, type Page } from "@playwright/test";
import { startReceiver, type Receiver } from "@/lib/testing/receiver";
import { newSession, signInWithForm } from "../support/accounts";

// The dashboard frame on a long page: an endpoint with its chart and a full delivery log, on a
// desktop screen and on a phone. The navigation stays in view however far the page scrolls.

const SCREENS = "test-results/screens";
const DELIVERIES = 30;

let receiver: Receiver;
test.beforeAll(async () => {
  receiver = await startReceiver();
});
test.afterAll(async () => {
  await receiver?.close();
});

/** A signed-in page on an endpoint with DELIVERIES deliveries, the log's second page loaded. */
async function longEndpointPage(page: Page, baseURL: string) {
  const { user, api } = await newSession(baseURL);
  const created = await api.post("/api/webhooks", { data: { url: `${receiver.url}/layout`, events: ["conversion.created"] } });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = await created.json();
  for (let i = 0; i < DELIVERIES; i++) expect((await api.post(`/api/webhooks/${id}/test`)).status()).toBe(202);
  await api.dispose();

  await signInWithForm(page, user);
  await page.goto(`/dashboard/webhooks/${id}`);
  const log = page.getByRole("list", { name: "Deliveries" }).getByTestId("delivery");
  await expect(log).toHaveCount(20);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(log).toHaveCount(DELIVERIES);
  const { scrollHeight, innerHeight } = await page.evaluate(() => ({ scrollHeight: document.documentElement.scrollHeight, innerHeight: window.innerHeight }));
  expect(scrollHeight, "the page is several screens long").toBeGreaterThan(3 * innerHeight);
}

async function scrollToBottom(page: Page) {
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect.poll(() => page.evaluate(() => Math.ceil(window.scrollY + window.innerHeight) >= document.documentElement.scrollHeight - 1)).toBe(true);
}

test("desktop: the sidebar runs the length of a long endpoint page, and its navigation and account panel stay in view at the bottom", async ({ page, baseURL }) => {
  await longEndpointPage(page, baseURL!);
  await scrollToBottom(page);

  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toBeInViewport({ ratio: 1 });
  await expect(nav.getByRole("link", { name: "Webhooks" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("region", { name: "Your account" })).toBeInViewport({ ratio: 1 });
  // The sidebar column runs the page's whole length (no empty space beside the content), and
  // the panel in it covers the screen.
  const { column, panel, pageHeight } = await nav.evaluate((el) => ({
    column: el.closest("aside")!.getBoundingClientRect().toJSON(),
    panel: el.closest("aside > div")!.getBoundingClientRect().toJSON(),
    pageHeight: document.documentElement.scrollHeight,
  }));
  expect(Math.round(column.height)).toBe(pageHeight);
  expect(panel.top).toBe(0);
  expect(panel.height).toBe(page.viewportSize()!.height);
  await page.screenshot({ path: `${SCREENS}/layout-long-endpoint-bottom.png` });
  await page.screenshot({ path: `${SCREENS}/layout-long-endpoint-full.png`, fullPage: true });

  // And it still works from down there.
  await nav.getByRole("link", { name: "API keys" }).click();
  await page.waitForURL("**/dashboard/api-keys");
});

test("phone: the top bar stays in view on a long endpoint page, its menu opens there, and nothing is wider than the screen", async ({ page, baseURL }) => {
  await page.setViewportSize({ width: 375, height: 667 });
  await longEndpointPage(page, baseURL!);
  await scrollToBottom(page);

  const menu = page.getByRole("button", { name: "Menu" });
  await expect(menu).toBeInViewport({ ratio: 1 });
  await menu.click();
  const nav = page.getByRole("navigation", { name: "Main (mobile)" });
  await expect(nav).toBeInViewport({ ratio: 1 });
  await expect(page.getByRole("region", { name: "Your account" }).getByRole("button", { name: "Sign out" })).toBeInViewport();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "no sideways scrolling").toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${SCREENS}/layout-phone-menu-bottom.png` });

  await nav.getByRole("link", { name: "Webhooks" }).click();
  await page.waitForURL("**/dashboard/webhooks");
  await expect(nav).toHaveCount(0);
});

test("phone held sideways: the open menu scrolls within the screen to its last item", async ({ page, baseURL }) => {
  await page.setViewportSize({ width: 568, height: 320 });
  await longEndpointPage(page, baseURL!);
  await scrollToBottom(page);

  await page.getByRole("button", { name: "Menu" }).click();
  const menuHeight = await page.locator("header").filter({ has: page.getByRole("button", { name: "Menu" }) }).evaluate((el) => el.getBoundingClientRect().height);
  expect(menuHeight, "the open menu fits the screen").toBeLessThanOrEqual(320);
  const signOut = page.getByRole("region", { name: "Your account" }).getByRole("button", { name: "Sign out" });
  await signOut.scrollIntoViewIfNeeded();
  await expect(signOut).toBeInViewport({ ratio: 1 });
  await expect(page.getByRole("button", { name: "Menu" })).toBeInViewport({ ratio: 1 });
});
