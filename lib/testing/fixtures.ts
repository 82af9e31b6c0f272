import { signUp } from "@/lib/accounts/accounts";
import { createApiKey } from "@/lib/api-keys/api-keys";
import type { AccountKind } from "@/lib/db/schema";
import { randomString } from "@/lib/ids";

/** A fresh account of its own for each test, so tests never see each other's data. */
export async function createTestAccount(kind: AccountKind, name = `Test ${kind}`) {
  const email = `${kind}-${randomString(10)}@example.test`;
  const password = `pw-${randomString(16)}`;
  const { user, account } = await signUp({ email, password, name: "Test Person", accountName: name, accountKind: kind });
  const apiKey = await createApiKey(account.id, { name: "test key" });
  return { user, account, email, password, apiKey: apiKey.key };
}

type Handler<P> = (req: Request, ctx: { params: Promise<P> }) => Promise<Response>;

/** Call a route handler as Next.js would, with a real Request. */
export async function callRoute<P extends Record<string, string> = Record<string, string>>(
  handler: Handler<P>,
  init: { method?: string; path?: string; apiKey?: string; headers?: Record<string, string>; body?: unknown; params?: P },
) {
  const headers = new Headers(init.headers);
  if (init.apiKey) headers.set("authorization", `Bearer ${init.apiKey}`);
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  const req = new Request(`http://localhost${init.path ?? "/"}`, { method: init.method ?? "GET", headers, body });
  const res = await handler(req, { params: Promise.resolve((init.params ?? {}) as P) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as any) : null };
}
