import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeDb, getDb } from "@/lib/db";
import { createLog, log } from "@/lib/log";
import { errorResponse } from "./errors";

// A database error that reaches a route handler is a 500 with a generic message; the log gets
// the SQL and the database's error, never the values bound to the query (issue 10, item 4:
// the log carried the client's dates, and would carry emails or URLs the same way).

// Starting the database (PGlite runs every migration) is set-up, under the hook's longer timeout:
// inside the test it ran out of the test's 60 s on a loaded CI machine.
beforeAll(() => getDb());
afterAll(closeDb);

describe("the log line of a failed query", () => {
  it("names the SQL and the SQLSTATE but not the parameters", async () => {
    const db = await getDb();
    const secret = "client-value-7f3a9c";
    const err = await db.execute(sql`select ${secret}::int as n`).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    // What the handler hands the logger, written as pino writes it.
    const calls: [string, Record<string, unknown> | undefined][] = [];
    const spy = vi.spyOn(log, "error").mockImplementation((msg, fields) => void calls.push([msg, fields]));
    try {
      const res = errorResponse(err);
      expect(res.status).toBe(500);
      expect(JSON.stringify(await res.json())).not.toContain(secret);
    } finally {
      spy.mockRestore();
    }
    expect(calls).toHaveLength(1);
    const lines: string[] = [];
    createLog({ write: (line: string) => void lines.push(line) }, "debug").error(...calls[0]!);
    expect(lines).toHaveLength(1);
    const logged = JSON.parse(lines[0]!);
    expect(logged.err.message).toMatch(/^Failed query: select \$1::int as n$/);
    expect(logged.err.cause).toMatchObject({ code: "22P02" });
    expect(lines[0]).not.toContain(secret);
  });
});
