import { afterAll, expect, it } from "vitest";
import { verifyCredentials } from "@/lib/accounts/accounts";
import { authenticateApiKey } from "@/lib/api-keys/api-keys";
import { closeDb, getDbHandle } from "@/lib/db";
import { createTestAccount } from "@/lib/testing/fixtures";
import { DEMO_ACCOUNTS, seedDemoData } from "./seed";

afterAll(closeDb);

it("seeds sign-in-able demo accounts with working API keys once, on an empty embedded database", async () => {
  const { driver } = await getDbHandle();
  // The shared PostgreSQL test database is not ours to empty; there, check only the "not empty" side.
  if (driver !== "pglite") {
    await createTestAccount("advertiser");
    return expect(await seedDemoData(() => {})).toBe(false);
  }

  const printed: string[] = [];
  expect(await seedDemoData((l) => printed.push(l))).toBe(true);
  const out = printed.join("\n");
  const keys = [...out.matchAll(/API key (pmk_\w+)/g)].map((m) => m[1]!);
  expect(keys).toHaveLength(2);
  for (const key of keys) expect(await authenticateApiKey(key)).not.toBeNull();
  for (const demo of Object.values(DEMO_ACCOUNTS)) {
    expect(out).toContain(demo.email);
    expect(await verifyCredentials(demo.email, demo.password)).not.toBeNull();
  }
  expect(await seedDemoData(() => {})).toBe(false);
});
