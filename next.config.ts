import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";
import { devAllowedOrigins } from "./lib/dev-origins";
import { STATIC_SECURITY_HEADERS } from "./lib/security/headers";

const nextConfig: NextConfig = {
  // WASM (PGlite), the native driver and the argon2 binding must be loaded by Node, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "@node-rs/argon2"],
  poweredByHeader: false,
  // `npm run dev` opened at 127.0.0.1 or this machine's address, not only localhost.
  allowedDevOrigins: devAllowedOrigins(),
  // nosniff, no framing, a strict referrer policy on every response; the per-page CSP and HSTS
  // come from proxy.ts (lib/security/headers.ts decides all of them).
  async headers() {
    return [{ source: "/:path*", headers: STATIC_SECURITY_HEADERS }];
  },
};

// next-intl finds its per-request configuration (the language, the messages) here.
const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

export default withNextIntl(nextConfig);
