import { expect, test } from "@playwright/test";
import { startReceiver, type Receiver } from "@/lib/testing/receiver";
import { createApiKey, signInRequest, signInWithForm, signUp } from "../support/accounts";

// Endpoint options (issue 13) in the dashboard, in a real browser against the production build,
// delivering to a real receiver on loopback: the create form with custom headers (a reserved
// name refused), a rate limit, FIFO and a program filter; the endpoint page showing them (header
// values never shown again); editing them, with a stored header value kept.

let receiver: Receiver;
test.beforeAll(async () => {
  receiver = await startReceiver();
});
test.afterAll(async () => {
  await receiver?.close();
});

test("endpoint options: set in the create form, shown on the endpoint page, edited", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const user = await signUp(baseURL!, "advertiser");
  const api = await signInRequest(baseURL!, user);
  const key = await createApiKey(api);
  const created = await api.post("/api/v1/programs", { headers: { authorization: `Bearer ${key}` }, data: { name: "Shoes" } });
  expect(created.status()).toBe(201);
  const programId = (await created.json()).id as string;
  await signInWithForm(page, user);

  await test.step("the create form takes the options and refuses a header we set ourselves", async () => {
    await page.goto("/dashboard/webhooks/new");
    await page.getByLabel("Endpoint URL").fill(receiver.url);
    await page.getByLabel("conversion.created", { exact: true }).check();
    const headers = page.getByTestId("custom-headers");
    await headers.getByRole("button", { name: "Add header" }).click();
    await headers.getByLabel("Header name").fill("webhook-id");
    await headers.getByLabel("Value").fill("mine");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByText("The header webhook-id is set by PartnersMy on every delivery and cannot be overridden.")).toBeVisible();

    await headers.getByLabel("Header name").fill("X-Gateway-Key");
    await headers.getByLabel("Value").fill("gw-e2e-1");
    await page.getByLabel("Rate limit (deliveries per second)").fill("5");
    await page.getByRole("switch", { name: "Ordered delivery (FIFO)" }).click();
    await page.getByLabel("Programs (optional)").fill(programId);
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByText("Endpoint added")).toBeVisible();
    receiver.setSecrets([await page.getByRole("textbox", { name: "Signing secret" }).inputValue()]);
    await page.getByRole("link", { name: /go to the endpoint/ }).click();
    await page.waitForURL(/\/dashboard\/webhooks\/wh_[0-9a-z]+$/);
  });

  await test.step("the endpoint page shows the options, the header by name only", async () => {
    const options = page.getByTestId("endpoint-options");
    await expect(options.getByRole("heading", { name: "Delivery options" })).toBeVisible();
    await expect(options.getByTestId("option-headers")).toHaveText("X-Gateway-Key: ••••••••");
    await expect(page.getByText("gw-e2e-1")).toHaveCount(0);
    await expect(options.getByTestId("option-rate")).toHaveText("5 deliveries per second");
    await expect(options.getByTestId("option-fifo")).toHaveText("Ordered (FIFO): one at a time, in event order");
    await expect(options.getByTestId("option-programs")).toHaveText(programId);
  });

  await test.step("a test event arrives with the custom header and a valid signature", async () => {
    await page.getByRole("button", { name: "Send test event" }).click();
    const [got] = await receiver.waitFor(1, { timeoutMs: 20_000 });
    expect(got!.headers["x-gateway-key"]).toBe("gw-e2e-1");
    expect(got!.signatureValid).toEqual([true]);
  });

  await test.step("editing keeps a stored header value and changes the rest", async () => {
    await page.getByRole("link", { name: "Edit" }).click();
    await page.waitForURL("**/edit");
    const headers = page.getByTestId("custom-headers");
    await expect(headers.getByLabel("Header name")).toHaveValue("X-Gateway-Key");
    await expect(headers.getByLabel("Value")).toHaveValue("");
    await expect(headers.getByLabel("Value")).toHaveAttribute("placeholder", "Unchanged (stored value kept)");
    await page.getByLabel("Rate limit (deliveries per second)").fill("");
    await page.getByRole("switch", { name: "Ordered delivery (FIFO)" }).click();
    await page.getByLabel("Programs (optional)").fill("");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(/\/dashboard\/webhooks\/wh_[0-9a-z]+$/);

    const options = page.getByTestId("endpoint-options");
    await expect(options.getByTestId("option-rate")).toHaveText("No limit");
    await expect(options.getByTestId("option-fifo")).toHaveText("Any order, several at a time");
    await expect(options.getByTestId("option-programs")).toHaveText("Every program");
    await expect(options.getByTestId("option-headers")).toHaveText("X-Gateway-Key: ••••••••");

    await page.getByRole("button", { name: "Send test event" }).click();
    const got = await receiver.waitFor(2, { timeoutMs: 20_000 });
    expect(got[1]!.headers["x-gateway-key"]).toBe("gw-e2e-1");
  });

  await test.step("in Spanish too", async () => {
    await page.context().addCookies([{ name: "NEXT_LOCALE", value: "es", url: baseURL! }]);
    await page.reload();
    await expect(page.getByTestId("endpoint-options").getByRole("heading", { name: "Opciones de entrega" })).toBeVisible();
    await expect(page.getByTestId("option-rate")).toHaveText("Sin límite");
  });
});
