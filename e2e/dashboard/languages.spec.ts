import { expect, test } from "@playwright/test";
import { signInWithForm, signUp } from "../support/accounts";

// The language: Accept-Language on a first visit, then the header's switch, kept in a cookie.
// English sentences of the sign-in page that must not appear once it is in Spanish.
const ENGLISH_SIGN_IN = ["Manage your webhooks, API keys and deliveries.", "New to PartnersMy?", "Create an account", "Password"];

test.describe("in Spanish by Accept-Language", () => {
  test.use({ locale: "es-MX" });

  test("a first visit follows the browser's language, with no English sentence left", async ({ page }, info) => {
    await page.goto("/sign-in");
    await expect(page.locator("html")).toHaveAttribute("lang", "es");
    await expect(page.getByRole("heading", { name: "Iniciar sesión" })).toBeVisible();
    await expect(page.getByLabel("Contraseña")).toBeVisible();
    const text = await page.locator("body").innerText();
    for (const sentence of ENGLISH_SIGN_IN) expect(text).not.toContain(sentence);
    await page.screenshot({ path: info.outputPath("sign-in-es.png"), fullPage: true });
  });

  test("a wrong password is explained in Spanish", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByLabel("Correo electrónico").fill("nadie@example.com");
    await page.getByLabel("Contraseña").fill("no-es-la-clave");
    await page.getByRole("button", { name: "Iniciar sesión" }).click();
    await expect(page.getByText("Ese correo y esa contraseña no coinciden con ninguna cuenta.", { exact: false })).toBeVisible();
  });
});

test("the switch changes the language and keeps it across pages", async ({ page, context }, info) => {
  await page.goto("/sign-in");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.getByRole("button", { name: "Español" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "es");
  await expect(page.getByRole("heading", { name: "Iniciar sesión" })).toBeVisible();
  expect((await context.cookies()).find((c) => c.name === "NEXT_LOCALE")?.value).toBe("es");

  // Kept: the docs page (another layout) opens in Spanish, and the switch there goes back.
  await page.goto("/docs");
  await expect(page.locator("html")).toHaveAttribute("lang", "es");
  await expect(page.getByRole("button", { name: "Español" })).toHaveAttribute("aria-pressed", "true");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.goto("/sign-in");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.screenshot({ path: info.outputPath("sign-in-en.png"), fullPage: true });
});

test("signed in, the choice is kept on the profile: another browser opens in it", async ({ page, browser, baseURL }) => {
  const user = await signUp(baseURL!);
  await signInWithForm(page, user);
  await page.getByRole("button", { name: "Español" }).first().click();
  await expect(page.locator("html")).toHaveAttribute("lang", "es");
  await expect(page.getByRole("link", { name: "Resumen" }).first()).toBeVisible();

  // A fresh browser asking for English, without the cookie: the profile's Spanish wins.
  const other = await browser.newContext({ locale: "en-US" });
  const second = await other.newPage();
  await signInWithForm(second, user);
  await expect(second.locator("html")).toHaveAttribute("lang", "es");
  await expect(second.getByRole("button", { name: "Cerrar sesión", exact: true }).first()).toBeVisible();
  await other.close();
});
