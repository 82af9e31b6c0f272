import { afterEach, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { GET, POST, PUT } from "@/app/api/inngest/route";
import { resetConfigForTests } from "@/lib/config";

// /api/inngest is where Inngest runs the delivery functions. On the embedded engine it must
// say, in the error envelope, that the Inngest engine is off (it answered a bare 500).

const url = "http://127.0.0.1:3000/api/inngest";
const ENV_KEYS = ["WEBHOOK_ENGINE", "INNGEST_DEV"] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

afterEach(() => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  resetConfigForTests();
});

describe("/api/inngest", () => {
  it.each([
    ["GET", GET],
    ["POST", POST],
    ["PUT", PUT],
  ] as const)("%s on the embedded engine → 404 envelope saying the Inngest engine is not enabled", async (method, handler) => {
    process.env.WEBHOOK_ENGINE = "embedded";
    resetConfigForTests();
    const res = await handler(new NextRequest(url, { method, body: method === "GET" ? undefined : "{}" }), undefined);
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body).toEqual({ error: { code: "not_found", message: expect.stringMatching(/Inngest engine is not enabled.*WEBHOOK_ENGINE=embedded/) } });
  });

  it("on the inngest engine the request reaches the Inngest SDK (dev mode: the function list)", async () => {
    process.env.WEBHOOK_ENGINE = "inngest";
    process.env.INNGEST_DEV = "1";
    resetConfigForTests();
    const res = await GET(new NextRequest(url), undefined);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).not.toHaveProperty("error");
    expect(body.function_count).toBeGreaterThan(0);
  });
});
