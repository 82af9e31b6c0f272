import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/lib/db";
import { programs } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { createTestAccount } from "@/lib/testing/fixtures";
import { eq } from "drizzle-orm";
import { hashRequest, readIdempotencyKey, respondIdempotently } from "./idempotency";
import { errorResponse } from "./errors";

// The generic helper, exercised with a made-up operation that writes a program row, so any
// POST could adopt it. The conversions route's own tests cover it end to end.

beforeAll(async () => {
  await getDb();
});
afterAll(closeDb);

function request(key?: string) {
  const headers = new Headers();
  if (key !== undefined) headers.set("Idempotency-Key", key);
  return new Request("http://localhost/anything", { method: "POST", headers });
}

/** Creates a program named `name` in the account; counts its runs and its after-commit hooks. */
function operation(accountId: string, name: string) {
  const counts = { runs: 0, afterCommits: 0 };
  const run = (req: Request) =>
    respondIdempotently(req, { accountId, scope: "POST /test/programs", request: { name } }, async (tx) => {
      counts.runs++;
      const id = newId("program");
      await tx.insert(programs).values({ id, accountId, name });
      return {
        status: 201,
        body: { id, name, at: new Date(0) },
        afterCommit: async () => {
          counts.afterCommits++;
        },
      };
    });
  return { run, counts };
}

async function programsNamed(accountId: string) {
  const db = await getDb();
  return db.select().from(programs).where(eq(programs.accountId, accountId));
}

describe("respondIdempotently", () => {
  it("runs every time without a key", async () => {
    const { account } = await createTestAccount("advertiser");
    const op = operation(account.id, "no key");
    expect((await op.run(request())).status).toBe(201);
    expect((await op.run(request())).status).toBe(201);
    expect(op.counts).toEqual({ runs: 2, afterCommits: 2 });
    expect(await programsNamed(account.id)).toHaveLength(2);
  });

  it("runs once per key and replays the stored status and body, without after-commit work", async () => {
    const { account } = await createTestAccount("advertiser");
    const op = operation(account.id, "keyed");
    const first = await op.run(request("k1"));
    const second = await op.run(request("k1"));
    expect(second.status).toBe(201);
    const body = await first.json();
    expect(body.at).toBe("1970-01-01T00:00:00.000Z");
    expect(await second.json()).toEqual(body);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(op.counts).toEqual({ runs: 1, afterCommits: 1 });
    expect(await programsNamed(account.id)).toHaveLength(1);
  });

  it("refuses a key reused for a different request with 422", async () => {
    const { account } = await createTestAccount("advertiser");
    await operation(account.id, "one").run(request("k2"));
    const other = operation(account.id, "two");
    const res = await other.run(request("k2")).catch(errorResponse);
    expect(res.status).toBe(422);
    expect(other.counts.runs).toBe(0);
    expect(await programsNamed(account.id)).toHaveLength(1);
  });

  it("forgets the key when the operation fails, so a retry runs", async () => {
    const { account } = await createTestAccount("advertiser");
    const failing = respondIdempotently(
      request("k3"),
      { accountId: account.id, scope: "POST /test/programs", request: { name: "retry" } },
      async (tx) => {
        await tx.insert(programs).values({ id: newId("program"), accountId: account.id, name: "rolled back" });
        throw new Error("boom");
      },
    );
    await expect(failing).rejects.toThrow("boom");
    expect(await programsNamed(account.id)).toHaveLength(0);
    const retry = operation(account.id, "retry");
    expect((await retry.run(request("k3"))).status).toBe(201);
    expect(retry.counts.runs).toBe(1);
  });
});

describe("readIdempotencyKey", () => {
  it("reads a key and refuses empty, overlong or non-printable-ASCII ones with 400", () => {
    expect(readIdempotencyKey(request())).toBeNull();
    expect(readIdempotencyKey(request("  3f1c-uuid  "))).toBe("3f1c-uuid");
    expect(readIdempotencyKey(request("order 42"))).toBe("order 42");
    for (const bad of ["", "   ", "x".repeat(256), "caf\u00e9", "tab\there"]) {
      const req = new Request("http://localhost/", { headers: [["Idempotency-Key", bad]] });
      expect(() => readIdempotencyKey(req), bad).toThrow(expect.objectContaining({ code: "bad_request" }));
    }
  });
});

describe("hashRequest", () => {
  it("ignores key order and undefined fields but not values", () => {
    expect(hashRequest({ a: 1, b: { c: [1, 2], d: "x" } })).toBe(hashRequest({ b: { d: "x", c: [1, 2] }, a: 1, e: undefined }));
    expect(hashRequest({ a: 1 })).not.toBe(hashRequest({ a: 2 }));
    expect(hashRequest({ a: [1, 2] })).not.toBe(hashRequest({ a: [2, 1] }));
    expect(hashRequest({ a: null })).not.toBe(hashRequest({}));
  });
});
