import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { GET, POST } from "@/app/api/auth/[...nextauth]/route";
import { resetConfigForTests } from "@/lib/config";
import { closeDb, getDb } from "@/lib/db";
import { createTestAccount } from "@/lib/testing/fixtures";
import { SOCKET_ADDRESS_HEADER } from "@/lib/api/client-address";
import { log } from "@/lib/log";

// Sign-in through next-auth's real route handlers (the credentials flow a script or the browser
// uses), with the socket address as server.mjs would pass it.

beforeAll(async () => {
  await getDb();
  process.env.PARTNERSMY_SOCKET_ADDRESS_HEADER = "1";
  resetConfigForTests();
}, 120_000);
afterAll(async () => {
  delete process.env.PARTNERSMY_SOCKET_ADDRESS_HEADER;
  resetConfigForTests();
  await closeDb();
});
afterEach(() => vi.restoreAllMocks());

const BASE = "http://localhost:3000";
let n = 0;
const freshAddress = () => `198.18.${Math.floor(Math.random() * 250)}.${(n++ % 250) + 1}`;

async function signIn(email: string, password: string, address: string, extraHeaders: Record<string, string> = {}) {
  const csrf = await GET(new NextRequest(`${BASE}/api/auth/csrf`, { headers: { [SOCKET_ADDRESS_HEADER]: address } }));
  const cookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await POST(
    new NextRequest(`${BASE}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { ...extraHeaders, [SOCKET_ADDRESS_HEADER]: address, cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${BASE}/dashboard` }).toString(),
    }),
  );
  const signedIn = res.headers.getSetCookie().some((c) => c.startsWith("authjs.session-token="));
  return { status: res.status, signedIn, body: res.status === 429 ? await res.json() : null };
}

describe("credentials sign-in", () => {
  it("a wrong password logs one line, with no stack trace", async () => {
    const { email } = await createTestAccount("advertiser");
    // next-auth's own logger prints to the console (its error and stack trace); ours is `log`.
    const consoleLines: string[] = [];
    const capture = (...args: unknown[]) => void consoleLines.push(args.map(String).join(" "));
    for (const level of ["error", "log", "warn", "info"] as const) vi.spyOn(console, level).mockImplementation(capture);
    const logged = (["debug", "info", "warn", "error"] as const).map((level) => vi.spyOn(log, level));

    const res = await signIn(email, "not the password", freshAddress());
    expect(res.signedIn).toBe(false);

    expect(consoleLines, consoleLines.join("\n")).toEqual([]);
    const calls = logged.flatMap((spy) => spy.mock.calls);
    expect(calls).toHaveLength(1);
    expect(logged[1]!.mock.calls[0]![0]).toMatch(/sign-in failed/);
    expect(JSON.stringify(calls[0]![1])).not.toMatch(/stack|\bat /);
  });

  it("made-up X-Forwarded-For headers do not give a client a fresh count: the socket's address is counted", async () => {
    process.env.RATE_LIMIT_SIGNIN_PER_ADDRESS_15M = "3";
    resetConfigForTests();
    try {
      const address = freshAddress();
      for (let i = 0; i < 3; i++) {
        const res = await signIn(`nobody-${i}-${n}@example.test`, "guess", address, { "x-forwarded-for": `203.0.113.${i}`, "x-real-ip": `203.0.113.${i}` });
        expect(res.status, `attempt ${i + 1}`).toBe(302);
      }
      const { email, password } = await createTestAccount("affiliate");
      const limited = await signIn(email, password, address, { "x-forwarded-for": "203.0.113.99" });
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe("rate_limited");
      expect(limited.signedIn).toBe(false);
      expect((await signIn(email, password, freshAddress())).signedIn).toBe(true);
    } finally {
      delete process.env.RATE_LIMIT_SIGNIN_PER_ADDRESS_15M;
      resetConfigForTests();
    }
  });

  it("a successful sign-in is not a failure: the address gets its attempt back", async () => {
    process.env.RATE_LIMIT_SIGNIN_PER_ADDRESS_15M = "3";
    resetConfigForTests();
    try {
      const address = freshAddress();
      const { email, password } = await createTestAccount("advertiser");
      expect((await signIn(email, "wrong", address)).status).toBe(302);
      expect((await signIn(email, "wrong", address)).status).toBe(302);
      // Many people behind one address signing in fine never add up to a limit.
      for (let i = 0; i < 5; i++) expect((await signIn(email, password, address)).signedIn, `sign-in ${i + 1}`).toBe(true);
      expect((await signIn(email, "wrong", address)).status).toBe(302);
      expect((await signIn(email, password, address)).status).toBe(429);
    } finally {
      delete process.env.RATE_LIMIT_SIGNIN_PER_ADDRESS_15M;
      resetConfigForTests();
    }
  });

  it("a successful sign-in clears the email's run of failures", async () => {
    const { email, password } = await createTestAccount("affiliate");
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) expect((await signIn(email, "wrong", freshAddress())).status).toBe(302);
      expect((await signIn(email, password, freshAddress())).signedIn, `round ${round + 1}`).toBe(true);
    }
    for (let i = 0; i < 4; i++) expect((await signIn(email, "wrong", freshAddress())).status).toBe(302);
  });
});
