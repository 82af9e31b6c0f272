import { NextResponse, type NextRequest } from "next/server";
import { getToken } from "next-auth/jwt";
import { isSessionActive } from "@/lib/auth/sessions";
import { getConfig } from "@/lib/config";
import { secureResponse } from "@/lib/security/secure-response";

// Every page passes here: the dashboard's sign-in guard, then the security headers (a fresh
// CSP nonce per page, lib/security). API routes do their own auth and answer in the envelope.
export async function proxy(req: NextRequest) {
  const refused = isDashboard(req.nextUrl.pathname) ? await guardDashboard(req) : null;
  return secureResponse(req, refused);
}

function isDashboard(pathname: string): boolean {
  return pathname === "/dashboard" || pathname.startsWith("/dashboard/");
}

// Keeps the dashboard behind sign-in: null lets the request through, else the redirect.
// It reads the session cookie and never writes it. Auth.js's own proxy also re-issues the cookie
// on every request (a rolling session): a dashboard request still in flight when someone signs
// out then put the cookie back after sign-out had deleted it (nextauthjs/next-auth#4612), and they
// stayed signed in. So a session lasts its maxAge from sign-in, unless signed out: the guard asks
// the database whether the session was ended (one primary-key read). It has to be here, not only
// in the dashboard layout: a layout is not rendered again when the browser moves between pages
// under it, while the proxy sees every request, and in Next 16 it runs on Node.js.
async function guardDashboard(req: NextRequest): Promise<NextResponse | null> {
  const secret = getConfig().authSecret;
  // Auth.js names the cookie `__Secure-…` when it saw https; read whichever is there.
  const token =
    (await getToken({ req, secret, secureCookie: true })) ?? (await getToken({ req, secret, secureCookie: false }));
  if (token?.accountId && (await isSessionActive(token))) return null;
  const signIn = new URL("/sign-in", req.nextUrl);
  signIn.searchParams.set("callbackUrl", `${req.nextUrl.pathname}${req.nextUrl.search}`);
  return NextResponse.redirect(signIn);
}

export const config = {
  // Every page; not API routes (they answer JSON in the envelope and carry the static headers of
  // next.config.ts), nor Next's static files and the favicon.
  matcher: ["/((?!api|_next/static|_next/image|favicon.ico).*)"],
};
