import { NextResponse, type NextRequest } from "next/server";
import { getToken } from "next-auth/jwt";
import { getConfig } from "@/lib/config";

// Keeps the dashboard behind sign-in; API routes do their own auth and answer in the envelope.
// It only reads the session cookie. Auth.js's own proxy also re-issues the cookie on every
// request (a rolling session): a dashboard request still in flight when someone signs out then
// put the cookie back after sign-out had deleted it (nextauthjs/next-auth#4612), and they stayed
// signed in. So a session lasts its maxAge from sign-in.
export async function proxy(req: NextRequest) {
  const secret = getConfig().authSecret;
  // Auth.js names the cookie `__Secure-…` when it saw https; read whichever is there.
  const token =
    (await getToken({ req, secret, secureCookie: true })) ?? (await getToken({ req, secret, secureCookie: false }));
  if (token?.accountId) return NextResponse.next();
  const signIn = new URL("/sign-in", req.nextUrl);
  signIn.searchParams.set("callbackUrl", `${req.nextUrl.pathname}${req.nextUrl.search}`);
  return NextResponse.redirect(signIn);
}

export const config = {
  matcher: ["/dashboard/:path*"],
};
