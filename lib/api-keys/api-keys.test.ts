import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listPrograms } from "@/app/api/v1/programs/route";
import { SOCKET_ADDRESS_HEADER } from "@/lib/api/client-address";
import { ApiError } from "@/lib/api/errors";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb } from "@/lib/db";
import { callRoute, createTestAccount } from "@/lib/testing/fixtures";
import { createApiKey, listApiKeys, revokeApiKey } from "./api-keys";

// Issue 10 item 5: bad keys are limited per client address; live keys per account are capped.

beforeAll(() => getDb(), 120_000);
afterAll(closeDb);

function withEnv(vars: Record<string, string>, run: () => Promise<void>) {
  return async () => {
    Object.assign(process.env, vars);
    resetConfigForTests();
    try {
      await run();
    } finally {
      for (const k of Object.keys(vars)) delete process.env[k];
      resetConfigForTests();
    }
  };
}

describe("the cap on live keys", () => {
  it(
    "creates up to API_KEYS_MAX_PER_ACCOUNT, refuses the next with 409, counts revoked keys out",
    withEnv({ API_KEYS_MAX_PER_ACCOUNT: "3" }, async () => {
      const { account } = await createTestAccount("advertiser"); // holds one key already
      const second = await createApiKey(account.id, { name: "2" });
      await createApiKey(account.id, { name: "3" });
      const err = await createApiKey(account.id, { name: "4" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(409);
      expect((err as ApiError).details).toEqual({ maxActiveKeys: 3 });
      await revokeApiKey(account.id, second.id);
      await createApiKey(account.id, { name: "4" });
      expect((await listApiKeys(account.id)).filter((k) => !k.revokedAt)).toHaveLength(3);
    }),
  );

  it(
    "is not exceeded by creates racing each other",
    withEnv({ API_KEYS_MAX_PER_ACCOUNT: "5" }, async () => {
      const { account } = await createTestAccount("affiliate");
      const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => createApiKey(account.id, { name: `race ${i}` })));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(4);
      expect(results.filter((r) => r.status === "rejected").every((r) => (r.reason as ApiError).status === 409)).toBe(true);
      expect((await listApiKeys(account.id)).filter((k) => !k.revokedAt)).toHaveLength(5);
    }),
  );
});

describe("failed API-key authentications", () => {
  it(
    "are limited per socket address, whatever X-Forwarded-For says: 401s, then 429 with Retry-After, for good keys too",
    withEnv({ RATE_LIMIT_API_KEY_FAILURES_PER_MINUTE: "4", PARTNERSMY_SOCKET_ADDRESS_HEADER: "1" }, async () => {
      const { apiKey } = await createTestAccount("affiliate");
      const address = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const call = (key: string, from = address, i = 0) =>
        callRoute(listPrograms, {
          path: "/api/v1/programs?limit=1",
          apiKey: key,
          headers: { [SOCKET_ADDRESS_HEADER]: from, "x-forwarded-for": `203.0.113.${i}` },
        });
      for (let i = 0; i < 4; i++) expect((await call(`pmk_wrong${i}`, address, i)).status).toBe(401);
      const limited = await call("pmk_wrong-again", address, 9);
      expect(limited.status).toBe(429);
      expect(limited.json.error.code).toBe("rate_limited");
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect((await call(apiKey)).status).toBe(429);
      expect((await call(apiKey, "198.18.255.1")).status).toBe(200);
      // A request with no key at all is not an authentication that failed.
      expect((await callRoute(listPrograms, { path: "/api/v1/programs", headers: { [SOCKET_ADDRESS_HEADER]: "198.18.255.2" } })).status).toBe(401);
    }),
  );
});
