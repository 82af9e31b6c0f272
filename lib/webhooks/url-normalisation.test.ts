import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, zodDetails } from "@/lib/api/errors";
import { closeDb, getDb } from "@/lib/db";
import { createTestAccount } from "@/lib/testing/fixtures";
import { createWebhookInput, updateWebhookInput } from "./schemas";
import { createWebhook, getWebhook, listWebhooks, updateWebhook } from "./webhooks";

// The URL an endpoint shows is the URL its deliveries call (issue 10, item 7). The URL parser
// deletes tabs and line breaks anywhere in a URL: those are refused with a `url` field error.
// Everything else the parser changes (host case, dot segments, spaces) is stored as the parser
// serialises it, which is what the send passes to http.request.

/** What POST /api/webhooks does with a body: the schema, then the domain function. */
async function create(accountId: string, body: Record<string, unknown>) {
  const parsed = createWebhookInput.safeParse({ events: ["conversion.created"], ...body });
  if (!parsed.success) throw new ApiError("unprocessable", "The request is invalid; see details.", zodDetails(parsed.error));
  return createWebhook(accountId, parsed.data);
}

async function update(accountId: string, id: string, body: Record<string, unknown>) {
  const parsed = updateWebhookInput.safeParse(body);
  if (!parsed.success) throw new ApiError("unprocessable", "The request is invalid; see details.", zodDetails(parsed.error));
  return updateWebhook(accountId, id, parsed.data);
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as ApiError,
  );

const WITH_CONTROL_CHARACTERS = [
  "https://hooks.exa\tmple.com/in",
  "https://hooks.example.com/a\nb",
  "https://hooks.example.com/in\r\nX-Injected: 1",
  "https://hooks.example.com/in?x=1\r&y=2",
  "https://hooks.example.com/\u0000in",
  "https://hooks.example.com/in\u007f",
  "https://hooks.example.com/in\u001bx",
];

describe("endpoint URLs: stored as called", () => {
  let accountId: string;
  beforeAll(async () => {
    await getDb();
    accountId = (await createTestAccount("advertiser")).account.id;
  }, 120_000);
  afterAll(closeDb);

  it.each(WITH_CONTROL_CHARACTERS)("create with %j → 422 naming url, nothing stored", async (url) => {
    const err = await failure(create(accountId, { url }));
    expect(err).toBeInstanceOf(ApiError);
    expect(err!.status).toBe(422);
    expect(err!.details).toMatchObject({ fieldErrors: { url: [expect.stringMatching(/control characters/)] } });
    expect(await listWebhooks(accountId)).toHaveLength(0);
  });

  it("PATCH with a control character → 422 naming url, the stored URL unchanged", async () => {
    const hook = await create(accountId, { url: "https://hooks.example.com/in" });
    for (const url of WITH_CONTROL_CHARACTERS) {
      const err = await failure(update(accountId, hook.id, { url }));
      expect(err?.status, JSON.stringify(url)).toBe(422);
      expect(err!.details).toMatchObject({ fieldErrors: { url: [expect.stringMatching(/control characters/)] } });
    }
    expect((await getWebhook(accountId, hook.id)).url).toBe("https://hooks.example.com/in");
  });

  it("surrounding whitespace is trimmed, as in any form field", async () => {
    const hook = await create(accountId, { url: " \thttps://hooks.example.com/trimmed\r\n" });
    expect(hook.url).toBe("https://hooks.example.com/trimmed");
  });

  it.each([
    ["https://Hooks.Example.COM/in", "https://hooks.example.com/in"],
    ["https://hooks.example.com/a/../in", "https://hooks.example.com/in"],
    ["https://hooks.example.com/in?q=a b", "https://hooks.example.com/in?q=a%20b"],
    ["https://hooks.example.com:443/in", "https://hooks.example.com/in"],
    ["https://hooks.example.com", "https://hooks.example.com/"],
  ])("%s is stored and shown as the URL a delivery calls, %s", async (given, called) => {
    expect(new URL(given).href).toBe(called); // what the send (lib/webhooks/send.ts) requests
    const created = await create(accountId, { url: given });
    expect(created.url).toBe(called);
    expect((await getWebhook(accountId, created.id)).url).toBe(called);
    const moved = await update(accountId, created.id, { url: given.replace("/in", "/moved") });
    expect(moved.url).toBe(new URL(given.replace("/in", "/moved")).href);
  });
});
