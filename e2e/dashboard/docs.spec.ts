import { createHmac } from "node:crypto";
import { expect, test } from "@playwright/test";

// The public docs page, signed out: the events with their sample bodies, the signature headers,
// and a delivery example whose signatures really verify with the sample secret shown.

const SCREENS = "test-results/screens";
const EVENTS = [
  "conversion.created",
  "conversion.approved",
  "conversion.rejected",
  "partnership.created",
  "endpoint.failing",
  "endpoint.disabled",
  "endpoint.recovered",
];

test("/docs loads signed out with every event, its sample payload and the signature headers", async ({ page }) => {
  const response = await page.goto("/docs");
  expect(response?.status()).toBe(200);
  await expect(page).toHaveURL(/\/docs$/);
  await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();

  // Few, targeted queries: the page is long, and role queries over all of it are slow.
  await expect(page.getByTestId("event").locator("h3")).toHaveText(EVENTS);
  for (const event of EVENTS) {
    const sample = JSON.parse(await page.getByTestId(`sample-${event}`).locator("pre").innerText());
    expect(sample).toMatchObject({ event, data: { id: expect.any(String), status: expect.any(String) } });
    expect(sample.data).toHaveProperty("amount");
    expect(Date.parse(sample.timestamp)).not.toBeNaN();
  }

  const headerNames = page.getByTestId("delivery-headers").locator("tbody tr td:first-child");
  await expect(headerNames).toHaveText([
    "Content-Type",
    "User-Agent",
    "X-Webhook-Signature",
    "X-Webhook-Event",
    "X-Webhook-Delivery",
    "X-Webhook-Attempt",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
  ]);

  // The example request is signed for real: recompute both signatures with the sample secret.
  const request = await page.getByTestId("delivery-request").locator("pre").innerText();
  const [head, body] = request.split("\n\n");
  const headers = Object.fromEntries(
    head!.split("\n").slice(1).map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
  );
  const secret = (await page.getByText(/^Sample secret:/).innerText()).match(/whsec_\S+/)![0].replace(/[—.]+$/, "");
  const t = /t=(\d+)/.exec(headers["x-webhook-signature"]!)![1];
  expect(headers["x-webhook-signature"]).toContain(`v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`);
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const standard = createHmac("sha256", key).update(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`).digest("base64");
  expect(headers["webhook-signature"]).toBe(`v1,${standard}`);

  // Retry schedule, signature verification code and the rotation example are there too.
  await expect(page.getByTestId("retry-schedule")).toContainText("immediately");
  await expect(page.getByRole("heading", { name: "Verify signatures" })).toBeVisible();
  await expect(page.getByTestId("rotation-headers")).toContainText(/v1=[0-9a-f]{64},v1=[0-9a-f]{64}/);

  // The table of contents stays in view and jumps to its section.
  const toc = page.getByRole("navigation", { name: "On this page" });
  await toc.getByRole("link", { name: "Errors" }).click();
  await expect(page).toHaveURL(/#errors$/);
  await expect(toc).toBeInViewport();
  await expect(page.getByTestId("error-codes")).toContainText("rate_limited");

  // The API reference lists operations from the OpenAPI document and links the raw JSON.
  const operations = page.getByTestId("api-operation");
  expect(await operations.count()).toBeGreaterThan(15);
  const createWebhook = operations.filter({ hasText: "Create a webhook endpoint" });
  await createWebhook.locator("summary").click();
  await expect(createWebhook.getByRole("table", { name: "Body of POST /api/webhooks" })).toContainText("events");
  await expect(page.getByRole("link", { name: "/api/openapi.json" })).toHaveAttribute("href", "/api/openapi.json");

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SCREENS}/docs.png`, fullPage: true });
});

test("/docs reads on a phone: nothing wider than the screen", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/docs");
  await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${SCREENS}/docs-mobile.png` });
});
