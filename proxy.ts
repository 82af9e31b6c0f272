import NextAuth from "next-auth";
import { authConfig } from "@/auth.config";
import { getConfig } from "@/lib/config";

// Keeps the dashboard behind sign-in; API routes do their own auth and answer in the envelope.
const { auth } = NextAuth(() => ({ ...authConfig, secret: getConfig().authSecret }));

export const proxy = auth;

export const config = {
  matcher: ["/dashboard/:path*"],
};
