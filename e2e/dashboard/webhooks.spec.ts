import { expect, test, type Locator, type Page } from "@playwright/test";
import { startReceiver, type ReceivedRequest, type Receiver } from "@/lib/testing/receiver";
import { createApiKey, newSession, signInRequest, signInWithForm, signUp, type TestUser } from "../support/accounts";

// The Webhooks section of the dashboard, driven through a real browser against the production
// build, delivering to a real receiver on loopback that verifies both signature schemes.
// The e2e server runs with WEBHOOK_RETRY_DELAYS_MS=400,800,1200, so a failing delivery
// exhausts its 4 attempts in a few seconds.

const SCREENS = "test-results/screens";

let receiver: Receiver;
test.beforeAll(async () => {
  receiver = await startReceiver();
});
test.afterAll(async () => {
  await receiver?.close();
});

/** The delivery rows of the log, newest first. */
const rows = (page: Page) => page.getByRole("list", { name: "Deliveries" }).getByTestId("delivery");
const row = (page: Page, deliveryId: string) => page.locator(`[data-testid="delivery"][data-delivery-id="${deliveryId}"]`);

async function sendTestEvent(page: Page): Promise<string> {
  const before = new Set(await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-delivery-id"))));
  const response = page.waitForResponse((r) => r.url().endsWith("/test") && r.request().method() === "POST");
  await page.getByRole("button", { name: "Send test event" }).click();
  const body = (await (await response).json()) as { deliveries: { id: string }[] };
  expect(body.deliveries).toHaveLength(1);
  const id = body.deliveries[0]!.id;
  expect(before.has(id)).toBe(false);
  // The new delivery shows up in the log without a reload.
  await expect(row(page, id)).toBeVisible();
  return id;
}

async function expectStatus(r: Locator, status: "succeeded" | "failed" | "pending", timeout = 20_000) {
  await expect(r).toHaveAttribute("data-status", status, { timeout });
}

const forDelivery = (id: string) => (r: ReceivedRequest) => r.webhookId === id;

test("webhooks: create, test, fail and retry, replay, retry all, rotate, disable/enable, delete", async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  const user: TestUser = await signUp(baseURL!, "advertiser");
  await signInWithForm(page, user);

  await test.step("the empty list explains webhooks and how to start", async () => {
    await page.goto("/dashboard/webhooks");
    await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
    await expect(page.getByText("No webhook endpoints yet")).toBeVisible();
    await expect(page.getByText(/Webhooks tell your server the moment something happens/)).toBeVisible();
    await page.screenshot({ path: `${SCREENS}/webhooks-empty.png`, fullPage: true });
  });

  let secret = "";
  let webhookPath = "";
  await test.step("the create form checks input, then shows the secret once", async () => {
    await page.getByRole("link", { name: "Add endpoint" }).first().click();
    await page.waitForURL("**/dashboard/webhooks/new");
    await expect(page.getByRole("heading", { name: "Add a webhook endpoint" })).toBeVisible();

    // Client-side checks with the API's own schema: nothing is sent yet.
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByText("Enter the URL of your endpoint.")).toBeVisible();
    await expect(page.getByText("Subscribe to at least one event.")).toBeVisible();
    await page.getByLabel("Endpoint URL").fill("not a url");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByText(/Enter an absolute URL/)).toBeVisible();
    await expect(page.getByLabel("Endpoint URL")).toHaveAttribute("aria-invalid", "true");

    // "Select all" selects every event and clears back; then pick one.
    await page.getByLabel("Select all events").check();
    for (const e of ["conversion.created", "conversion.approved", "conversion.rejected", "partnership.created"]) {
      await expect(page.getByLabel(e, { exact: true })).toBeChecked();
    }
    await page.getByLabel("Select all events").uncheck();
    await expect(page.getByLabel("conversion.approved", { exact: true })).not.toBeChecked();
    await page.getByLabel("conversion.created", { exact: true }).check();
    await expect(page.getByText("A conversion was registered for one of your programs or partnerships.")).toBeVisible();

    await page.getByLabel("Endpoint URL").fill(receiver.url);
    await page.getByLabel("Description (optional)").fill("E2E order sync");
    await page.screenshot({ path: `${SCREENS}/webhooks-create-form.png`, fullPage: true });
    await page.getByRole("button", { name: "Add endpoint" }).click();

    await expect(page.getByText("Endpoint added")).toBeVisible();
    const secretBox = page.getByRole("textbox", { name: "Signing secret" });
    secret = await secretBox.inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await expect(page.getByText(/Shown once/)).toBeVisible();
    await page.screenshot({ path: `${SCREENS}/webhooks-created-secret.png`, fullPage: true });
    receiver.setSecrets([secret]);

    await page.getByRole("link", { name: /go to the endpoint/ }).click();
    await page.waitForURL(/\/dashboard\/webhooks\/wh_[0-9a-z]+$/);
    webhookPath = new URL(page.url()).pathname;
    await expect(page.getByRole("heading", { name: receiver.url })).toBeVisible();
    await expect(page.getByText("E2E order sync")).toBeVisible();

    // Never again: not on the endpoint page, not after a reload, not in the list.
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await expect(page.getByRole("heading", { name: receiver.url })).toBeVisible();
    expect(await page.content()).not.toContain(secret);
  });

  await test.step("a test event succeeds, verified with both signatures", async () => {
    await expect(page.getByText("No deliveries yet")).toBeVisible();
    const id = await sendTestEvent(page);
    const [got] = await receiver.waitFor(1, { filter: forDelivery(id) });
    expect(got!.signatureValid).toEqual([true]);
    expect(got!.standardValid).toEqual([true]);
    expect(got!.headers["x-webhook-event"]).toBe("conversion.created");
    const r = row(page, id);
    await expectStatus(r, "succeeded");
    await expect(r).toContainText("conversion.created");
    await expect(r).toContainText("test");
    await expect(r).toContainText("1 attempt");
    await expect(r).toContainText("HTTP 200");
  });

  let failedId = "";
  await test.step("a failing endpoint: 4 attempts, then failed; the attempts are all shown", async () => {
    receiver.respondWith({ status: 500, body: "upstream exploded" });
    failedId = await sendTestEvent(page);
    const r = row(page, failedId);
    // Pending while it retries (the log refreshes itself), failed after the 4th attempt.
    await expectStatus(r, "failed", 30_000);
    await expect(r).toContainText("4 attempts");
    await expect(r).toContainText("HTTP 500");
    expect((await receiver.waitFor(4, { filter: forDelivery(failedId) })).map((x) => x.attempt)).toEqual([1, 2, 3, 4]);

    // Its retries exhausted, the endpoint is failing: a banner on the list and on its page.
    await page.goto("/dashboard/webhooks");
    await expect(page.getByTestId("failing-endpoints")).toContainText(receiver.url);
    await expect(page.getByTestId("failing-endpoints")).toContainText("Last error: The receiver answered HTTP 500.");
    await page.goto(webhookPath);
    await expect(page.getByRole("alert").filter({ hasText: "This endpoint is failing" })).toBeVisible();
    await expect(page.getByTestId("failing-banner")).toContainText(/it will be disabled on .*Last error: The receiver answered HTTP 500\./);
    await page.screenshot({ path: `${SCREENS}/webhooks-failing-banner.png`, fullPage: true });

    await r.getByRole("button", { expanded: false }).click();
    const attempts = r.getByTestId("attempt");
    await expect(attempts).toHaveCount(4);
    await expect(attempts.nth(0)).toContainText("Attempt 1");
    await expect(attempts.nth(3)).toContainText("Attempt 4");
    await expect(attempts.nth(3)).toContainText("HTTP 500");
    await expect(attempts.nth(3)).toContainText("upstream exploded");
    await expect(r.getByRole("region", { name: "Request headers" })).toContainText("x-webhook-signature");
    await expect(r.getByRole("region", { name: "Request headers" })).toContainText(`webhook-id${failedId}`);
    await expect(r.getByRole("region", { name: "Request body" })).toContainText('"event": "conversion.created"');
    await r.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENS}/webhooks-delivery-opened.png`, fullPage: true });
  });

  await test.step("healed: Replay sends the same delivery (same webhook-id) and it succeeds", async () => {
    receiver.respondWith({ status: 200, body: "ok" });
    const r = row(page, failedId);
    await r.getByRole("button", { name: /^Replay/ }).click();
    await expectStatus(r, "succeeded");
    await expect(r).toContainText("5 attempts");
    const got = await receiver.waitFor(5, { filter: forDelivery(failedId) });
    const replayed = got[4]!;
    expect(replayed.answeredStatus).toBe(200);
    expect(replayed.attempt).toBe(5);
    expect(replayed.signatureValid).toEqual([true]);
    expect(replayed.standardValid).toEqual([true]);
    // Its earlier attempts stay in its history.
    await expect(r.getByTestId("attempt")).toHaveCount(5);
  });

  await test.step("Retry all failed says how many it queued, and they succeed", async () => {
    receiver.respondWith({ status: 503, body: "maintenance" });
    const a = await sendTestEvent(page);
    const b = await sendTestEvent(page);
    await expectStatus(row(page, a), "failed", 30_000);
    await expectStatus(row(page, b), "failed", 30_000);
    receiver.respondWith({ status: 204 });
    await page.getByRole("button", { name: "Retry all failed" }).click();
    await expect(page.getByText("Queued 2 failed deliveries for another try.")).toBeVisible();
    await expectStatus(row(page, a), "succeeded");
    await expectStatus(row(page, b), "succeeded");
    await receiver.waitFor(1, { filter: (x) => x.webhookId === a && x.answeredStatus === 204 });
    await receiver.waitFor(1, { filter: (x) => x.webhookId === b && x.answeredStatus === 204 });
  });

  await test.step("the status filter and the chart", async () => {
    const status = page.getByLabel("Status", { exact: true });
    await status.selectOption("failed");
    await expect(page.getByText("No deliveries match these filters")).toBeVisible();
    await status.selectOption("succeeded");
    await expect(rows(page)).toHaveCount(4);
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect(rows(page)).toHaveCount(4);

    const chart = page.getByTestId("delivery-chart");
    await expect(chart.locator("figcaption")).toContainText("4 deliveries succeeded and 0 failed", { timeout: 10_000 });
    await expect(chart.getByRole("img", { name: /Deliveries per hour/ })).toBeVisible();
    await page.screenshot({ path: `${SCREENS}/webhooks-endpoint.png`, fullPage: true });
    await chart.screenshot({ path: `${SCREENS}/webhooks-chart.png` });
  });

  let rotated = "";
  await test.step("rotating the secret: shown once, and deliveries carry two valid signatures", async () => {
    await page.getByRole("button", { name: "Rotate secret" }).click();
    const dialog = page.getByRole("dialog", { name: "Rotate signing secret" });
    await expect(dialog.getByRole("radio", { name: /In 24 hours/ })).toBeChecked();
    await dialog.getByRole("button", { name: "Rotate secret" }).click();
    const done = page.getByRole("dialog", { name: "New signing secret" });
    rotated = await done.getByRole("textbox", { name: "New signing secret" }).inputValue();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await expect(done).toContainText("The previous secret stays valid until");
    await page.screenshot({ path: `${SCREENS}/webhooks-rotated.png`, fullPage: true });
    await done.getByRole("button", { name: "Done" }).click();
    await expect(done).toBeHidden();
    expect(await page.content()).not.toContain(rotated);
    await expect(page.getByText(/Previous secret valid until/)).toBeVisible();

    receiver.setSecrets([rotated, secret]);
    const id = await sendTestEvent(page);
    const [got] = await receiver.waitFor(1, { filter: forDelivery(id) });
    expect(String(got!.headers["x-webhook-signature"]).match(/v1=/g)).toHaveLength(2);
    expect(String(got!.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(got!.signatureValid).toEqual([true, true]);
    expect(got!.standardValid).toEqual([true, true]);
    await expectStatus(row(page, id), "succeeded");
  });

  await test.step("the list shows the endpoint with its 24 h health", async () => {
    await page.getByRole("link", { name: "All endpoints" }).click();
    await page.waitForURL("**/dashboard/webhooks");
    const item = page.getByRole("list", { name: "Webhook endpoints" }).getByRole("listitem").filter({ hasText: receiver.url });
    await expect(item).toContainText("Enabled");
    await expect(item).toContainText("E2E order sync");
    // Deliveries succeed again since the replay: recovered, so no failing banner.
    await expect(page.getByTestId("failing-endpoints")).toHaveCount(0);
    await expect(item).toContainText("100%");
    await expect(item).toContainText("conversion.created");
    expect(await page.content()).not.toContain(rotated);
    await page.screenshot({ path: `${SCREENS}/webhooks-list.png`, fullPage: true });
    await item.getByRole("link", { name: receiver.url }).click();
    await page.waitForURL(`**${webhookPath}`);
  });

  await test.step("edit: subscribe to partnership.created too", async () => {
    await page.getByRole("link", { name: "Edit" }).click();
    await page.waitForURL(`**${webhookPath}/edit`);
    await expect(page.getByLabel("Endpoint URL")).toHaveValue(receiver.url);
    await page.getByLabel("partnership.created", { exact: true }).check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(`**${webhookPath}`);
    // The settings card lists each event with its description.
    await expect(page.getByText("An affiliate applied to a program.")).toBeVisible();
  });

  await test.step("disable (confirmed), an event is held, enable sends it", async () => {
    await page.getByRole("button", { name: "Disable", exact: true }).click();
    const confirm = page.getByRole("dialog", { name: "Disable this endpoint?" });
    await confirm.getByRole("button", { name: "Disable endpoint" }).click();
    await expect(page.getByText("This endpoint is disabled")).toBeVisible();
    await expect(page.getByRole("button", { name: "Send test event" })).toBeDisabled();

    // An affiliate applies to one of our programs while the endpoint is disabled.
    const advertiserApi = await signInRequest(baseURL!, user);
    const advertiserKey = await createApiKey(advertiserApi);
    const program = await advertiserApi.post("/api/v1/programs", {
      headers: { authorization: `Bearer ${advertiserKey}` },
      data: { name: "E2E summer sale" },
    });
    expect(program.status()).toBe(201);
    const { api: affiliateApi } = await newSession(baseURL!, "affiliate");
    const affiliateKey = await createApiKey(affiliateApi);
    const applied = await affiliateApi.post(`/api/v1/programs/${(await program.json()).id}/partnerships`, {
      headers: { authorization: `Bearer ${affiliateKey}` },
    });
    expect(applied.status()).toBe(201);
    await Promise.all([advertiserApi.dispose(), affiliateApi.dispose()]);

    await page.reload();
    await expect(page.getByText("1 event is held for it")).toBeVisible();
    await page.getByRole("button", { name: "Enable", exact: true }).click();
    const ask = page.getByRole("dialog", { name: "Enable this endpoint?" });
    await expect(ask.getByRole("button", { name: "Discard them" })).toBeVisible();
    await ask.getByRole("button", { name: "Send 1 held event" }).click();
    await expect(ask).toBeHidden();
    await expect(page.getByText("This endpoint is disabled")).toBeHidden();
    const [held] = await receiver.waitFor(1, { filter: (x) => x.headers["x-webhook-event"] === "partnership.created" });
    expect(held!.headers["x-webhook-event"]).toBe("partnership.created");
    expect(held!.signatureValid).toEqual([true, true]);
    await page.getByLabel("Event", { exact: true }).selectOption("partnership.created");
    await expect(rows(page)).toHaveCount(1);
    await expectStatus(rows(page).first(), "succeeded");
  });

  await test.step("readable on a phone", async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.getByLabel("Event", { exact: true }).selectOption("");
    await expect(page.getByRole("heading", { name: receiver.url })).toBeVisible();
    // Nothing sticks out sideways (wide content scrolls inside its own box).
    const { overflow, culprits } = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const clipped = (el: Element) => {
        for (let p = el.parentElement; p; p = p.parentElement) {
          if (getComputedStyle(p).overflowX !== "visible") return true;
        }
        return false;
      };
      const culprits = Array.from(document.querySelectorAll("body *"))
        .filter((el) => el.getBoundingClientRect().right > width + 1 && !clipped(el))
        .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).slice(0, 60)}`);
      return { overflow: document.documentElement.scrollWidth - width, culprits };
    });
    expect(overflow, culprits.join("\n")).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SCREENS}/webhooks-endpoint-mobile.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step("delete, confirmed by typing, back to the empty list", async () => {
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Delete this endpoint?" });
    const confirm = dialog.getByRole("button", { name: "Delete endpoint" });
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel(/Type delete to confirm/).fill("delete");
    await confirm.click();
    await page.waitForURL("**/dashboard/webhooks");
    await expect(page.getByText("No webhook endpoints yet")).toBeVisible();
    await page.goto(webhookPath);
    await expect(page.getByText("Endpoint not found")).toBeVisible();
  });
});
