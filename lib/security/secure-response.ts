import { NextResponse, type NextRequest } from "next/server";
import { getConfig } from "@/lib/config";
import { contentSecurityPolicy, createNonce, HSTS } from "./headers";

/**
 * What proxy.ts answers for a page: `response` (e.g. a redirect to sign-in) or, when it is
 * null, the page itself, rendered with this request's nonce, under its Content-Security-Policy,
 * and with HSTS when the app is configured to be served over https (AUTH_URL is https).
 */
export function secureResponse(req: NextRequest, response: NextResponse | null): NextResponse {
  const https = getConfig().appUrl.startsWith("https:");
  const nonce = createNonce();
  const policy = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development", https });
  // Next.js reads the nonce from the request's CSP header and puts it on the scripts it renders.
  const requestHeaders = new Headers(req.headers);
  requestHeaders.set("content-security-policy", policy);
  requestHeaders.set("x-nonce", nonce);
  const res = response ?? NextResponse.next({ request: { headers: requestHeaders } });
  res.headers.set("Content-Security-Policy", policy);
  if (https) res.headers.set("Strict-Transport-Security", HSTS);
  return res;
}
