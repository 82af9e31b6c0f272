import net from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import postgres from "postgres";
import { closeDb, getDb } from "@/lib/db";
import { accounts } from "@/lib/db/schema";
import { createTestAccount } from "@/lib/testing/fixtures";
import { isTransientDbError, isUniqueViolation } from "./errors";

// Classified on errors the drivers really throw, wrapped the way drizzle wraps them.

afterAll(closeDb);

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error("expected an error");
}

describe("database error classification", () => {
  it("treats a refused connection as transient", async () => {
    const sql = postgres(`postgres://postgres@127.0.0.1:${await closedPort()}/app`, { max: 1, connect_timeout: 2 });
    const err = await errorOf(() => sql`select 1`);
    await sql.end({ timeout: 1 });
    expect(err).toMatchObject({ code: "ECONNREFUSED" });
    expect(isTransientDbError(err)).toBe(true);
    expect(isTransientDbError(new Error("wrapped", { cause: err }))).toBe(true);
  });

  it("treats a constraint violation as permanent, and recognises it as one", async () => {
    const db = await getDb();
    const { account } = await createTestAccount("advertiser");
    const err = await errorOf(() => db.insert(accounts).values({ id: account.id, kind: "advertiser", name: "again" }));
    expect(isUniqueViolation(err)).toBe(true);
    expect(isTransientDbError(err)).toBe(false);
    const [row] = await db.select().from(accounts).where(eq(accounts.id, account.id));
    expect(row?.name).not.toBe("again");
  });

  it("does not retry a pool that was closed on purpose", async () => {
    const sql = postgres("postgres://postgres@127.0.0.1:1/app", { max: 1 });
    await sql.end();
    const err = await errorOf(() => sql`select 1`);
    expect(err).toMatchObject({ code: "CONNECTION_ENDED" });
    expect(isTransientDbError(err)).toBe(false);
  });
});
