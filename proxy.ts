import NextAuth from "next-auth";
import { authConfig } from "@/auth.config";
import { getConfig } from "@/lib/config";

// Keeps the dashboard behind sign-in; API routes do their own auth and answer in the envelope.
export const { auth: proxy } = NextAuth(() => ({ ...authConfig, secret: getConfig().authSecret }));

export const config = {
  matcher: ["/dashboard/:path*"],
};
