import { expect, request as playwrightRequest, type APIRequestContext, type Page } from "@playwright/test";
import { randomBytes } from "node:crypto";

export type Kind = "advertiser" | "affiliate";

export interface TestUser {
  email: string;
  password: string;
  name: string;
  accountName: string;
  accountKind: Kind;
  accountId: string;
}

/** A brand-new account of its own (so specs never see each other's data), via POST /api/signup. */
export async function signUp(baseURL: string, kind: Kind = "advertiser"): Promise<TestUser> {
  const ctx = await playwrightRequest.newContext({ baseURL });
  const suffix = randomBytes(5).toString("hex");
  const user = {
    email: `${kind}-${suffix}@example.test`,
    password: `pw-${randomBytes(8).toString("hex")}`,
    name: `E2E ${kind}`,
    accountName: `E2E ${kind} ${suffix}`,
    accountKind: kind,
  };
  const res = await ctx.post("/api/signup", { data: user });
  expect(res.status(), await res.text()).toBe(201);
  const body = await res.json();
  await ctx.dispose();
  return { ...user, accountId: body.account.id };
}

/** next-auth's credentials flow from a script: csrf token, then the callback; keeps the cookie. */
export async function signInRequest(baseURL: string, user: Pick<TestUser, "email" | "password">): Promise<APIRequestContext> {
  const ctx = await playwrightRequest.newContext({ baseURL });
  const { csrfToken } = await (await ctx.get("/api/auth/csrf")).json();
  const res = await ctx.post("/api/auth/callback/credentials", {
    form: { csrfToken, email: user.email, password: user.password, callbackUrl: `${baseURL}/dashboard` },
    maxRedirects: 0,
  });
  expect([200, 302]).toContain(res.status());
  const cookies = await ctx.storageState();
  expect(cookies.cookies.some((c) => c.name === "authjs.session-token"), "session cookie set").toBe(true);
  return ctx;
}

/** A signed-in API context for a fresh account: the usual start of an API spec. */
export async function newSession(baseURL: string, kind: Kind = "advertiser") {
  const user = await signUp(baseURL, kind);
  const api = await signInRequest(baseURL, user);
  return { user, api };
}

/** Sign in through the real form in the browser. */
export async function signInWithForm(page: Page, user: Pick<TestUser, "email" | "password">) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/dashboard**");
}

/** An API key for a signed-in account (for /api/v1 calls from a spec). */
export async function createApiKey(api: APIRequestContext, name = "e2e key"): Promise<string> {
  const res = await api.post("/api/api-keys", { data: { name } });
  expect(res.status()).toBe(201);
  return (await res.json()).key;
}
