import { randomBytes } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { startReceiver, type Receiver } from "@/lib/testing/receiver";
import { createApiKey, newSession, signInRequest, signInWithForm, signUp } from "../support/accounts";

// The Events page, driven through a real browser against the production build: an advertiser's
// real conversion and partnership events, found by every kind of id and filtered, and an event's
// page replaying and resending its delivery to a real receiver that verifies the signatures.

const SCREENS = "test-results/screens";

let receiver: Receiver;
test.beforeAll(async () => {
  receiver = await startReceiver();
});
test.afterAll(async () => {
  await receiver?.close();
});

const eventRows = (page: Page) => page.getByRole("table").getByRole("row").filter({ has: page.locator("td") });

async function search(page: Page, fields: { q?: string; type?: string; status?: string; before?: string }) {
  const form = page.getByRole("search", { name: "Search events" });
  await form.getByRole("button", { name: "Clear" }).click();
  if (fields.q) await form.getByLabel("Search events").fill(fields.q);
  if (fields.type) await form.getByLabel("Type").selectOption(fields.type);
  if (fields.status) await form.getByLabel("Delivery status").selectOption(fields.status);
  if (fields.before) await form.getByLabel("Until").fill(fields.before);
  await form.getByRole("button", { name: "Search" }).click();
}

test("events: search by every id, filter, open an event, replay and resend, and another account's event is not found", async ({ page, baseURL, browser }) => {
  test.setTimeout(180_000);
  const { user, api } = await newSession(baseURL!, "advertiser");
  const key = await createApiKey(api);
  const bearer = { authorization: `Bearer ${key}` };
  const affiliate = await newSession(baseURL!, "affiliate");
  const affiliateKey = await createApiKey(affiliate.api);

  // A real endpoint, then real events: a partnership (the affiliate applies) and a conversion.
  const hook = await api.post("/api/webhooks", {
    data: { url: receiver.url, events: ["conversion.created", "partnership.created"], description: "events e2e" },
  });
  expect(hook.status(), await hook.text()).toBe(201);
  const { secret } = await hook.json();
  receiver.setSecrets([secret]);
  const program = await api.post("/api/v1/programs", { headers: bearer, data: { name: "Events e2e program" } });
  const programId: string = (await program.json()).id;
  const applied = await affiliate.api.post(`/api/v1/programs/${programId}/partnerships`, { headers: { authorization: `Bearer ${affiliateKey}` } });
  expect(applied.status(), await applied.text()).toBe(201);
  const externalId = `order-${randomBytes(4).toString("hex")}`;
  const conversion = await api.post("/api/v1/conversions", {
    headers: bearer,
    data: { programId, affiliateId: affiliate.user.accountId, amount: 4200, externalId },
  });
  expect(conversion.status(), await conversion.text()).toBe(201);
  const conversionId: string = (await conversion.json()).id;

  // The event's ids as the API knows them, once its delivery has succeeded.
  const found = async (api: APIRequestContext) => (await (await api.get(`/api/v1/events?q=${externalId}`, { headers: bearer })).json()).data;
  await expect.poll(async () => (await found(api))[0]?.endpoints[0]?.status, { timeout: 20_000 }).toBe("succeeded");
  const [event] = await found(api);
  const eventId: string = event.id;
  const deliveryId: string = event.endpoints[0].deliveryId;

  await signInWithForm(page, user);
  await test.step("the nav leads to the account's events, newest first", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Events" }).click();
    await page.waitForURL("**/dashboard/events");
    await expect(page.getByRole("heading", { name: "Events", level: 1 })).toBeVisible();
    await expect(eventRows(page)).toHaveCount(2);
    await expect(eventRows(page).first()).toContainText("conversion.created");
    await expect(eventRows(page).nth(1)).toContainText("partnership.created");
    await page.screenshot({ path: `${SCREENS}/events-list.png`, fullPage: true });
  });

  await test.step("search finds the conversion's event by event id, delivery id, conversion id and externalId", async () => {
    for (const q of [eventId, deliveryId, conversionId, externalId]) {
      await search(page, { q });
      await expect(eventRows(page), q).toHaveCount(1);
      await expect(eventRows(page).first()).toContainText(eventId);
    }
    await search(page, { q: "order-that-never-was" });
    await expect(page.getByText("No events found")).toBeVisible();
  });

  await test.step("filters by type, delivery status and time", async () => {
    await search(page, { type: "partnership.created" });
    await expect(eventRows(page)).toHaveCount(1);
    await expect(eventRows(page).first()).toContainText("partnership.created");
    await search(page, { status: "succeeded" });
    await expect(eventRows(page)).toHaveCount(2);
    await search(page, { status: "failed" });
    await expect(page.getByText("No events found")).toBeVisible();
    await search(page, { before: "2020-01-01T00:00" });
    await expect(page.getByText("No events found")).toBeVisible();
  });

  await test.step("an event's page shows its payload and its endpoint's delivery", async () => {
    await search(page, { q: externalId });
    await eventRows(page).first().getByRole("link", { name: "conversion.created" }).click();
    await page.waitForURL(`**/dashboard/events/${eventId}`);
    await expect(page.getByRole("heading", { name: "conversion.created", level: 1 })).toBeVisible();
    const payload = JSON.parse((await page.getByTestId("event-payload").textContent())!);
    expect(payload).toMatchObject({ event: "conversion.created", data: { id: conversionId, externalId, amount: 4200 } });
    const deliveries = page.getByRole("region", { name: `Deliveries to ${receiver.url}` }).getByRole("listitem");
    await expect(deliveries).toHaveCount(1);
    await expect(deliveries.first()).toContainText(deliveryId);
    await expect(deliveries.first()).toContainText("Succeeded");
    await page.screenshot({ path: `${SCREENS}/event-detail.png`, fullPage: true });
  });

  const region = page.getByRole("region", { name: `Deliveries to ${receiver.url}` });
  await test.step("Replay sends the same delivery again, with the same webhook-id", async () => {
    const before = receiver.received.filter((r) => r.webhookId === deliveryId).length;
    await region.getByRole("listitem").filter({ hasText: deliveryId }).getByRole("button", { name: "Replay" }).click();
    await expect(region.getByText("Replay queued")).toBeVisible();
    const again = await receiver.waitFor(before + 1, { filter: (r) => r.webhookId === deliveryId, timeoutMs: 20_000 });
    expect(again.at(-1)!.signatureValid).toEqual([true]);
    expect(again.at(-1)!.standardValid).toEqual([true]);
    await expect(region.getByRole("listitem").filter({ hasText: deliveryId })).toContainText("Succeeded", { timeout: 20_000 });
  });

  await test.step("Resend makes a new delivery with a new webhook-id and the same body", async () => {
    await region.getByRole("button", { name: "Resend to this endpoint" }).click();
    await expect(region.getByText("1 new delivery queued.")).toBeVisible();
    await expect(region.getByRole("listitem")).toHaveCount(2);
    const resentId = (await region.getByRole("listitem").first().getAttribute("data-delivery-id"))!;
    expect(resentId).not.toBe(deliveryId);
    const [resent] = await receiver.waitFor(1, { filter: (r) => r.webhookId === resentId, timeoutMs: 20_000 });
    const original = receiver.received.find((r) => r.webhookId === deliveryId)!;
    expect(resent!.body).toBe(original.body);
    expect(resent!.signatureValid).toEqual([true]);
    await expect(region.getByRole("listitem").first()).toContainText("Succeeded", { timeout: 20_000 });
  });

  await test.step("another account's event is not found, in the API and on the page", async () => {
    const stranger = await signUp(baseURL!, "advertiser");
    const strangerApi = await signInRequest(baseURL!, stranger);
    const res = await strangerApi.get(`/api/events/${eventId}`);
    expect(res.status()).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
    const ctx = await browser.newContext({ baseURL });
    const other = await ctx.newPage();
    await signInWithForm(other, stranger);
    await other.goto(`/dashboard/events/${eventId}`);
    await expect(other.getByText("Event not found")).toBeVisible();
    await expect(other.getByText(externalId)).toHaveCount(0);
    await ctx.close();
    await strangerApi.dispose();
  });
});

test.describe("in Spanish", () => {
  test.use({ locale: "es-MX" });
  test("the Events page speaks Spanish", async ({ page, baseURL }) => {
    const user = await signUp(baseURL!, "advertiser");
    const session = await signInRequest(baseURL!, user);
    await page.context().addCookies((await session.storageState()).cookies);
    await session.dispose();
    await page.goto("/dashboard/events");
    await expect(page.getByRole("heading", { name: "Eventos", level: 1 })).toBeVisible();
    await expect(page.getByText("No se encontraron eventos")).toBeVisible();
  });
});
