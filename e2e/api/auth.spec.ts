import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { createApiKey, newSession, signUp } from "../support/accounts";

// Sign-up, sessions and API keys over plain HTTP: what a script (or an attacker) sees.

function uniqueEmail() {
  return `auth-${randomBytes(5).toString("hex")}@example.test`;
}

async function anonymous(baseURL: string, headers?: Record<string, string>): Promise<APIRequestContext> {
  return playwrightRequest.newContext({ baseURL, extraHTTPHeaders: headers });
}

test.describe("POST /api/signup", () => {
  test("names every invalid field in a 422", async ({ baseURL }) => {
    const api = await anonymous(baseURL!);
    const res = await api.post("/api/signup", {
      data: { email: "not-an-email", password: "short", name: "", accountName: "", accountKind: "publisher" },
    });
    expect(res.status()).toBe(422);
    const body = await res.json();
    expect(body.error.code).toBe("unprocessable");
    expect(Object.keys(body.error.details.fieldErrors).sort()).toEqual(["accountKind", "accountName", "email", "name", "password"]);
    expect(body.error.details.fieldErrors.password[0]).toMatch(/10 characters/);
    await api.dispose();
  });

  test("refuses a second account with the same email (any case) with 409", async ({ baseURL }) => {
    const api = await anonymous(baseURL!);
    const email = uniqueEmail();
    const person = { password: "correct-horse-battery", name: "Ana", accountName: "Ana's Shop", accountKind: "advertiser" };
    expect((await api.post("/api/signup", { data: { ...person, email } })).status()).toBe(201);
    const again = await api.post("/api/signup", { data: { ...person, email: email.toUpperCase() } });
    expect(again.status()).toBe(409);
    const body = await again.json();
    expect(body.error.code).toBe("conflict");
    expect(body.error.message).toMatch(/already exists/i);
    await api.dispose();
  });

  test("answers malformed JSON with 400, not 500", async ({ baseURL }) => {
    const api = await anonymous(baseURL!);
    const res = await api.post("/api/signup", { data: Buffer.from('{"email": "a@b.c", '), headers: { "content-type": "application/json" } });
    expect(res.status()).toBe(400);
    expect((await res.json()).error.code).toBe("bad_request");
    await api.dispose();
  });

  test("never returns the password or its hash", async ({ baseURL }) => {
    const api = await anonymous(baseURL!);
    const res = await api.post("/api/signup", {
      data: { email: uniqueEmail(), password: "correct-horse-battery", name: "Bo", accountName: "Bo Media", accountKind: "affiliate" },
    });
    expect(res.status()).toBe(201);
    const text = await res.text();
    expect(text).not.toMatch(/password|argon|correct-horse/i);
    const body = JSON.parse(text);
    expect(body.account).toMatchObject({ kind: "affiliate", name: "Bo Media" });
    await api.dispose();
  });
});

test.describe("credentials sign-in", () => {
  test("a wrong password sets no session and goes back to the sign-in page with an error", async ({ baseURL }) => {
    const user = await signUp(baseURL!);
    const api = await anonymous(baseURL!);
    const { csrfToken } = await (await api.get("/api/auth/csrf")).json();
    const res = await api.post("/api/auth/callback/credentials", {
      form: { csrfToken, email: user.email, password: `${user.password}-wrong`, callbackUrl: `${baseURL}/dashboard` },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(302);
    expect(res.headers()["location"]).toMatch(/\/sign-in\?error=CredentialsSignin/);
    const cookies = (await api.storageState()).cookies;
    expect(cookies.some((c) => c.name === "authjs.session-token")).toBe(false);
    expect((await api.get("/api/api-keys")).status()).toBe(401);
    await api.dispose();
  });
});

test.describe("the dashboard's guard", () => {
  test("sends a request without a session to sign in, keeping the page asked for", async ({ baseURL }) => {
    const api = await anonymous(baseURL!);
    const res = await api.get("/dashboard/webhooks?status=failed", { maxRedirects: 0 });
    expect(res.status()).toBe(307);
    const location = new URL(res.headers()["location"]!, baseURL);
    expect(location.pathname).toBe("/sign-in");
    expect(location.searchParams.get("callbackUrl")).toBe("/dashboard/webhooks?status=failed");
    await api.dispose();
  });

  test("lets a session through without writing the session cookie again", async ({ baseURL }) => {
    // A rewritten cookie on a response still in flight at sign-out would undo the sign-out.
    const { api } = await newSession(baseURL!);
    const res = await api.get("/dashboard", { maxRedirects: 0 });
    expect(res.status()).toBe(200);
    const setCookies = res.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie");
    expect(setCookies.filter((h) => h.value.includes("session-token"))).toEqual([]);
    await api.dispose();
  });

  test("refuses a session cookie that is not ours", async ({ baseURL }) => {
    const api = await anonymous(baseURL!);
    const res = await api.get("/dashboard", {
      maxRedirects: 0,
      headers: { cookie: "authjs.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..forged.forged.forged" },
    });
    expect(res.status()).toBe(307);
    await api.dispose();
  });
});

test.describe("session-only endpoints", () => {
  test("refuse a request with no session with 401", async ({ baseURL }) => {
    const api = await anonymous(baseURL!);
    for (const res of [await api.get("/api/api-keys"), await api.post("/api/api-keys", { data: { name: "x" } })]) {
      expect(res.status()).toBe(401);
      const body = await res.json();
      expect(body.error.code).toBe("unauthorized");
      expect(body.error.message).toMatch(/session/i);
    }
    await api.dispose();
  });

  test("refuse an API key (Bearer or X-API-Key) with 401 saying a session is needed", async ({ baseURL }) => {
    const { api: session } = await newSession(baseURL!);
    const key = await createApiKey(session);
    const variants: Record<string, string>[] = [{ authorization: `Bearer ${key}` }, { "x-api-key": key }];
    for (const headers of variants) {
      const withKey = await anonymous(baseURL!, headers);
      const res = await withKey.get("/api/api-keys");
      expect(res.status()).toBe(401);
      const body = await res.json();
      expect(body.error.code).toBe("unauthorized");
      expect(body.error.message).toMatch(/session/i);
      await withKey.dispose();
    }
    await session.dispose();
  });

  test("refuse a cross-site Origin on a mutation with 403, and accept our own", async ({ baseURL }) => {
    const { api } = await newSession(baseURL!);
    const evil = await api.post("/api/api-keys", { data: { name: "evil" }, headers: { origin: "https://evil.example" } });
    expect(evil.status()).toBe(403);
    expect((await evil.json()).error.code).toBe("forbidden");
    const ours = await api.post("/api/api-keys", { data: { name: "ours" }, headers: { origin: baseURL! } });
    expect(ours.status()).toBe(201);
    const names = (await (await api.get("/api/api-keys")).json()).data.map((k: { name: string }) => k.name);
    expect(names).toEqual(["ours"]);
    await api.dispose();
  });
});

test.describe("API keys", () => {
  test("a new key is shown once and listed by prefix only", async ({ baseURL }) => {
    const { api } = await newSession(baseURL!);
    const res = await api.post("/api/api-keys", { data: { name: "CI server" } });
    expect(res.status()).toBe(201);
    const created = await res.json();
    expect(created.key.startsWith(created.prefix)).toBe(true);
    expect(created.key.length).toBeGreaterThan(created.prefix.length + 20);
    const listText = await (await api.get("/api/api-keys")).text();
    expect(listText).not.toContain(created.key);
    const list = JSON.parse(listText);
    expect(list.data).toEqual([
      { id: created.id, name: "CI server", prefix: created.prefix, createdAt: expect.any(String), lastUsedAt: null, revokedAt: null },
    ]);
    await api.dispose();
  });

  test("an empty name is a 422 naming the field", async ({ baseURL }) => {
    const { api } = await newSession(baseURL!);
    const res = await api.post("/api/api-keys", { data: { name: "   " } });
    expect(res.status()).toBe(422);
    expect((await res.json()).error.details.fieldErrors.name).toBeTruthy();
    await api.dispose();
  });

  test("another account's key cannot be revoked: 404, and it keeps working", async ({ baseURL }) => {
    const owner = await newSession(baseURL!);
    const intruder = await newSession(baseURL!, "affiliate");
    const created = await (await owner.api.post("/api/api-keys", { data: { name: "owner key" } })).json();

    const res = await intruder.api.delete(`/api/api-keys/${created.id}`);
    expect(res.status()).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");

    const list = (await (await owner.api.get("/api/api-keys")).json()).data;
    expect(list[0].revokedAt).toBeNull();
    const withKey = await anonymous(baseURL!, { authorization: `Bearer ${created.key}` });
    expect((await withKey.get("/api/v1/programs")).status()).toBe(200);
    await Promise.all([owner.api.dispose(), intruder.api.dispose(), withKey.dispose()]);
  });

  test("a revoked key stops working at once, and revoking again is harmless", async ({ baseURL }) => {
    const { api } = await newSession(baseURL!);
    const created = await (await api.post("/api/api-keys", { data: { name: "to revoke" } })).json();
    const withKey = await anonymous(baseURL!, { authorization: `Bearer ${created.key}` });
    expect((await withKey.get("/api/v1/programs")).status()).toBe(200);

    expect((await api.delete(`/api/api-keys/${created.id}`)).status()).toBe(204);
    const refused = await withKey.get("/api/v1/programs");
    expect(refused.status()).toBe(401);
    expect((await refused.json()).error.message).toMatch(/revoked|invalid/i);

    expect((await api.delete(`/api/api-keys/${created.id}`)).status()).toBe(204);
    const listed = (await (await api.get("/api/api-keys")).json()).data[0];
    expect(listed.revokedAt).not.toBeNull();
    await Promise.all([api.dispose(), withKey.dispose()]);
  });

  test("a used key records when it was last used", async ({ baseURL }) => {
    const { api } = await newSession(baseURL!);
    const key = await createApiKey(api, "used");
    const withKey = await anonymous(baseURL!, { "x-api-key": key });
    expect((await withKey.get("/api/v1/programs")).status()).toBe(200);
    const listed = (await (await api.get("/api/api-keys")).json()).data[0];
    expect(listed.lastUsedAt).not.toBeNull();
    await Promise.all([api.dispose(), withKey.dispose()]);
  });
});
