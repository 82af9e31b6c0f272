import { afterAll, describe, expect, it } from "vitest";
import { POST as signup } from "@/app/api/signup/route";
import { closeDb } from "@/lib/db";
import { idPattern, randomString } from "@/lib/ids";
import { callRoute } from "@/lib/testing/fixtures";

afterAll(closeDb);

describe("POST /api/signup", () => {
  const valid = () => ({
    email: `Person-${randomString(8)}@Example.test`,
    password: "correct horse battery",
    name: "Ada",
    accountName: "Ada's Shop",
    accountKind: "advertiser",
  });

  it("creates a user and an account and never returns the password hash", async () => {
    const input = valid();
    const res = await callRoute(signup, { method: "POST", body: input });
    expect(res.status).toBe(201);
    expect(res.json.user.email).toBe(input.email.toLowerCase());
    expect(res.json.account).toMatchObject({ kind: "advertiser", name: "Ada's Shop" });
    expect(res.json.account.id).toMatch(idPattern("account"));
    expect(JSON.stringify(res.json)).not.toMatch(/argon2|passwordHash/);
  });

  it("refuses a second sign-up with the same email, whatever its case, with 409", async () => {
    const input = valid();
    expect((await callRoute(signup, { method: "POST", body: input })).status).toBe(201);
    const again = await callRoute(signup, { method: "POST", body: { ...input, email: input.email.toUpperCase() } });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("conflict");
  });

  it("answers a short password with 422 and field details", async () => {
    const res = await callRoute(signup, { method: "POST", body: { ...valid(), password: "short" } });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe("unprocessable");
    expect(res.json.error.details.fieldErrors.password).toBeDefined();
  });

  it("answers malformed JSON with 400 in the envelope", async () => {
    const res = await callRoute(signup, { method: "POST", body: "{not json" });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: "bad_request" });
  });

  it("answers a body over 1 MiB with 413", async () => {
    const res = await callRoute(signup, { method: "POST", body: { ...valid(), name: "x".repeat(1_100_000) } });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe("payload_too_large");
  });
});
