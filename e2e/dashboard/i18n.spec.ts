import { readFileSync } from "node:fs";
import path from "node:path";
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { engineEnglishSentences } from "@/lib/testing/cause-samples";
import { startReceiver, type Receiver } from "@/lib/testing/receiver";
import type en from "../../messages/en.json";

// The whole product in each language: the main flows walked once in English and once in Spanish
// (by Accept-Language, as a first visit), finding every control by its message in that language,
// with a screenshot of each step; and, on every page of the walk in Spanish, no English UI
// sentence left (any message of messages/en.json of four words or more that Spanish says
// differently, and the English the delivery engine writes for errors and disable reasons, which
// the dashboard words from their codes instead).

type Messages = typeof en;
const read = (lang: string): Messages =>
  JSON.parse(readFileSync(path.resolve("messages", `${lang}.json`), "utf8")) as Messages;
const MESSAGES = { en: read("en"), es: read("es") };

type Tree = { [key: string]: string | Tree };
function leaves(tree: Tree, prefix = ""): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === "string" ? [[`${prefix}${k}`, v] as [string, string]] : leaves(v, `${prefix}${k}.`)));
}

/** The runs of fixed text of a parsed message: between its {arguments} and <tags>, and inside plural branches. */
function textRuns(elements: MessageFormatElement[]): string[] {
  const runs: string[] = [];
  let run = "";
  const end = () => {
    if (run.trim()) runs.push(run.trim().replace(/\s+/g, " "));
    run = "";
  };
  for (const el of elements) {
    if (el.type === TYPE.literal) {
      run += el.value;
      continue;
    }
    end();
    if (el.type === TYPE.tag) runs.push(...textRuns(el.children));
    if (el.type === TYPE.plural || el.type === TYPE.select) for (const o of Object.values(el.options)) runs.push(...textRuns(o.value));
  }
  end();
  return runs;
}

/**
 * The English sentences a Spanish page must not show: each run of fixed text of a message with
 * at least four words, unless the Spanish message is the same.
 */
function englishSentences(): string[] {
  const spanish = new Map(leaves(MESSAGES.es as unknown as Tree));
  const out = new Set<string>();
  for (const [key, value] of leaves(MESSAGES.en as unknown as Tree)) {
    if (spanish.get(key) === value) continue;
    for (const text of textRuns(parse(value))) {
      if (text.split(" ").filter((w) => /[A-Za-z]{2,}/.test(w)).length >= 4) out.add(text);
    }
  }
  return [...out];
}
const ENGLISH = [...englishSentences(), ...engineEnglishSentences()];

/** The sentences (four words or more, outside `code`) of every summary and description of the English OpenAPI document. */
async function openApiSentences(page: Page): Promise<string[]> {
  const doc: unknown = await (await page.request.get("/api/openapi.json")).json();
  const out = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== "object" || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === "description" || key === "summary") && typeof value === "string") {
        for (const run of value.split(/`[^`]*`/)) {
          const text = run.trim().replace(/\s+/g, " ");
          if (text.split(" ").filter((w) => /[A-Za-z]{2,}/.test(w)).length >= 4) out.add(text);
        }
      } else visit(value);
    }
  };
  visit(doc);
  return [...out];
}

async function expectNoEnglish(page: Page, extra: string[] = []) {
  // Wait for the page's data to render (no spinner left) before reading it.
  await expect(page.getByRole("status").filter({ hasText: /…$/ })).toHaveCount(0);
  // Code samples stay as they are: they are left out of the reading.
  const text = await page.evaluate(() => {
    const skipped = [...document.querySelectorAll<HTMLElement>("pre")];
    const before = skipped.map((el) => el.style.display);
    skipped.forEach((el) => (el.style.display = "none"));
    const read = document.body.innerText;
    skipped.forEach((el, i) => (el.style.display = before[i]!));
    return read.replace(/\s+/g, " ");
  });
  expect([...ENGLISH, ...extra].filter((sentence) => text.includes(sentence)), `English on ${page.url()}`).toEqual([]);
}

async function shot(page: Page, info: TestInfo, name: string) {
  await info.attach(name, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
}

test("the message list the Spanish check uses is real: it holds known sentences", () => {
  expect(ENGLISH).toContain("Every event sent to this endpoint, newest first.");
  expect(ENGLISH).toContain("Give us an HTTPS URL and pick the events it should receive. Send a test event to check it works.");
  // The fixed text before a tag counts too.
  expect(ENGLISH).toContain("Every delivery has failed since");
  expect(ENGLISH.length).toBeGreaterThan(150);
  // The engine's own English (attempt errors, disable reasons) too.
  expect(ENGLISH).toContain("Receiver answered HTTP");
  expect(ENGLISH).toContain("Disabled automatically: every delivery failed for");
  expect(ENGLISH.some((s) => s.includes("{"))).toBe(false);
});

let receiver: Receiver;
test.beforeAll(async () => {
  receiver = await startReceiver();
});
test.afterAll(async () => {
  await receiver?.close();
});

for (const lang of ["en", "es"] as const) {
  test.describe(`the main flows in ${lang === "en" ? "English" : "Spanish"}`, () => {
    test.use({ locale: lang === "en" ? "en-US" : "es-MX" });

    test("sign up, create an endpoint, send a test event, open a delivery, replay, rotate, API keys, docs", async ({ page }, info) => {
      test.setTimeout(180_000);
      const m = MESSAGES[lang];
      // Only in Spanish: no English sentence on the page (in English, the check has no meaning).
      const check = async () => {
        if (lang === "es") await expectNoEnglish(page);
      };
      const suffix = Math.random().toString(36).slice(2, 10);

      await test.step("sign up", async () => {
        await page.goto("/sign-up");
        await expect(page.locator("html")).toHaveAttribute("lang", lang);
        await expect(page.getByRole("heading", { name: m.auth.signUp.title })).toBeVisible();
        // The server's field errors come back in the page's language.
        await page.getByRole("button", { name: m.auth.signUp.submit }).click();
        await expect(page.getByText(m.auth.signUp.errors.name)).toBeVisible();
        await expect(page.getByText(m.auth.signUp.errors.passwordShort)).toBeVisible();
        await check();
        await shot(page, info, `${lang}-sign-up-errors`);
        await page.getByLabel(m.auth.signUp.name).fill("Ana Prueba");
        await page.getByLabel(m.auth.signUp.email).fill(`i18n-${lang}-${suffix}@example.test`);
        await page.getByLabel(m.auth.signUp.password).fill(`pw-${suffix}-long-enough`);
        await page.getByLabel(m.auth.signUp.accountName).fill(`Marca ${suffix}`);
        await page.getByText(m.auth.signUp.kinds.advertiser.title, { exact: true }).click();
        await page.getByRole("button", { name: m.auth.signUp.submit }).click();
        await page.waitForURL("**/dashboard");
        await expect(page.getByRole("heading", { name: m.overview.welcome.replace("{name}", "Ana") })).toBeVisible();
        await check();
        await shot(page, info, `${lang}-overview`);
      });

      await test.step("create an endpoint, its form errors in the language", async () => {
        await page.goto("/dashboard/webhooks");
        await expect(page.getByText(m.webhooks.list.emptyTitle)).toBeVisible();
        await check();
        await page.getByRole("link", { name: m.webhooks.list.add }).first().click();
        await page.waitForURL("**/dashboard/webhooks/new");
        await page.getByRole("button", { name: m.webhooks.create.submit }).click();
        await expect(page.getByText(m.webhooks.form.errors.urlRequired)).toBeVisible();
        await expect(page.getByText(m.webhooks.form.errors.events)).toBeVisible();
        await page.getByLabel(m.webhooks.form.url).fill("not a url");
        await page.getByRole("button", { name: m.webhooks.create.submit }).click();
        await expect(page.getByText(m.webhooks.form.errors.url.notAbsolute)).toBeVisible();
        await check();
        await shot(page, info, `${lang}-create-errors`);
        await page.getByLabel(m.webhooks.form.url).fill(receiver.url);
        await page.getByLabel("conversion.created", { exact: true }).check();
        await expect(page.getByText(m.eventTypes.conversion.created)).toBeVisible();
        await page.getByRole("button", { name: m.webhooks.create.submit }).click();
        await expect(page.getByText(m.webhooks.create.added)).toBeVisible();
        receiver.setSecrets([await page.getByRole("textbox", { name: m.webhooks.create.secretTitle }).inputValue()]);
        await check();
        await shot(page, info, `${lang}-created`);
        await page.getByRole("link", { name: m.webhooks.create.saved }).click();
        await page.waitForURL(/\/dashboard\/webhooks\/wh_[0-9a-z]+$/);
      });

      const delivery = page.getByRole("list", { name: m.webhooks.log.listLabel }).getByTestId("delivery").first();
      await test.step("send a test event that fails every attempt, open it", async () => {
        receiver.respondWith({ status: 500, body: "down" });
        await page.getByRole("button", { name: m.webhooks.detail.sendTest }).click();
        await expect(page.getByText(m.webhooks.detail.testSent.replace(/<\/?code>/g, ""))).toBeVisible();
        await expect(delivery).toHaveAttribute("data-status", "failed", { timeout: 30_000 });
        // Its retries spent, the endpoint is failing: the banner gives the last error in the language.
        const http500 = m.causes.failure.http_status.replace("{status}", "500");
        await page.reload();
        await expect(page.getByTestId("failing-banner")).toContainText(m.webhooks.health.lastError.replace("{error}", http500));
        await delivery.getByRole("button", { expanded: false }).click();
        await expect(delivery.getByTestId("attempt")).toHaveCount(4);
        // Each attempt's error, worded from its code (the API's English text is not shown).
        await expect(delivery.getByTestId("attempt-error")).toHaveText(Array(4).fill(http500));
        await expect(delivery.getByText(m.webhooks.details.requestBody, { exact: true })).toBeVisible();
        // The chart refreshes once the delivery settled: it counts the failure.
        await expect(page.getByTestId("delivery-chart").locator("figcaption")).toContainText(lang === "en" ? "0 deliveries succeeded" : "1 fallida", {
          timeout: 15_000,
        });
        await check();
        await shot(page, info, `${lang}-delivery-failed`);
      });

      await test.step("replay it: it succeeds, attempts continue", async () => {
        receiver.respondWith({ status: 204 });
        await delivery.getByRole("button", { name: new RegExp(`^${m.webhooks.log.replay} `) }).click();
        await expect(delivery).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
        await expect(delivery.getByTestId("attempt-count")).toHaveText(lang === "en" ? "5 attempts" : "5 intentos");
        await check();
        await shot(page, info, `${lang}-replayed`);
      });

      await test.step("rotate the secret", async () => {
        await page.getByRole("button", { name: m.webhooks.detail.rotate }).click();
        const dialog = page.getByRole("dialog", { name: m.webhooks.rotate.title });
        await expect(dialog.getByRole("radio", { name: new RegExp(m.webhooks.rotate.grace.day.label) })).toBeChecked();
        await check();
        await dialog.getByRole("button", { name: m.webhooks.rotate.submit }).click();
        const done = page.getByRole("dialog", { name: m.webhooks.rotate.newTitle });
        await expect(done.getByRole("textbox", { name: m.webhooks.rotate.newTitle })).toHaveValue(/^whsec_/);
        await check();
        await shot(page, info, `${lang}-rotated`);
        await done.getByRole("button", { name: m.webhooks.rotate.done }).click();
        await expect(done).toBeHidden();
      });

      await test.step("API keys: create one, shown once", async () => {
        await page.goto("/dashboard/api-keys");
        await expect(page.getByText(m.apiKeys.emptyTitle)).toBeVisible();
        await check();
        await page.getByRole("button", { name: m.apiKeys.createButton }).first().click();
        const dialog = page.getByRole("dialog", { name: m.apiKeys.create.title });
        await dialog.getByLabel(m.apiKeys.create.name).fill("Servidor");
        await dialog.getByRole("button", { name: m.apiKeys.create.submit }).click();
        const reveal = page.getByRole("dialog", { name: m.apiKeys.create.createdTitle });
        await expect(reveal.getByRole("textbox", { name: m.apiKeys.create.keyLabel })).toHaveValue(/^pmk_/);
        await check();
        await shot(page, info, `${lang}-api-key`);
        await reveal.getByRole("button", { name: m.apiKeys.create.done }).click();
        await expect(page.getByTestId("api-key-row")).toHaveCount(1);
        await check();
      });

      await test.step("docs", async () => {
        await page.goto("/docs");
        await expect(page.getByRole("heading", { name: m.docs.sections.verifying })).toBeVisible();
        await expect(page.getByTestId("retry-schedule")).toContainText(m.docs.responding.immediately);
        await check();
        // The API reference with every operation open: in Spanish, none of the OpenAPI document's English.
        const operations = page.getByTestId("api-operation");
        expect(await operations.count()).toBeGreaterThan(15);
        await operations.evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
        await expect(operations.getByRole("table").first()).toBeVisible();
        if (lang === "es") {
          const sentences = await openApiSentences(page);
          expect(sentences).toContain("Where deliveries are POSTed.");
          await expectNoEnglish(page, sentences);
          await expect(page.getByText("Crear un endpoint de webhook", { exact: true })).toBeVisible();
        }
        await shot(page, info, `${lang}-docs`);
      });
    });
  });
}
