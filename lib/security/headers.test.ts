import { afterEach, describe, expect, it } from "vitest";
import { NextRequest, NextResponse } from "next/server";
import { resetConfigForTests } from "@/lib/config";
import { contentSecurityPolicy, createNonce } from "./headers";
import { secureResponse } from "./secure-response";

// HSTS and upgrade-insecure-requests only when the app is configured to be served over https
// (AUTH_URL https); the e2e server runs on plain http, so these are checked here.

const saved = process.env.AUTH_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.AUTH_URL;
  else process.env.AUTH_URL = saved;
  resetConfigForTests();
});

function pageResponse(authUrl: string | undefined) {
  if (authUrl === undefined) delete process.env.AUTH_URL;
  else process.env.AUTH_URL = authUrl;
  resetConfigForTests();
  return secureResponse(new NextRequest("http://127.0.0.1:3000/sign-in"), null);
}

describe("page security headers", () => {
  it("with an https AUTH_URL: HSTS, and the policy upgrades insecure requests", () => {
    const res = pageResponse("https://webhooks.example.com");
    expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000");
    expect(res.headers.get("content-security-policy")).toMatch(/; upgrade-insecure-requests$/);
  });

  it.each([undefined, "http://localhost:3000"])("with AUTH_URL %s: no HSTS, no upgrade", (authUrl) => {
    const res = pageResponse(authUrl);
    expect(res.headers.get("strict-transport-security")).toBeNull();
    expect(res.headers.get("content-security-policy")).not.toContain("upgrade-insecure-requests");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("a redirect passed in gets the policy too", () => {
    const res = secureResponse(new NextRequest("http://127.0.0.1:3000/dashboard"), NextResponse.redirect("http://127.0.0.1:3000/sign-in"));
    expect(res.status).toBe(307);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self' 'nonce-");
  });

  it("production allows no inline or eval'd script or style; development adds what its tooling needs", () => {
    const prod = contentSecurityPolicy("abc", { dev: false, https: false });
    expect(prod).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic';");
    expect(prod).toContain("style-src 'self' 'nonce-abc';");
    expect(prod).not.toMatch(/unsafe/);
    expect(contentSecurityPolicy("abc", { dev: true, https: false })).toMatch(/'unsafe-eval'.*style-src 'self' 'unsafe-inline'/);
  });

  it("nonces are 128 random bits and never repeat", () => {
    const nonces = new Set(Array.from({ length: 1000 }, createNonce));
    expect(nonces.size).toBe(1000);
    for (const n of nonces) expect(Buffer.from(n, "base64")).toHaveLength(16);
  });
});
