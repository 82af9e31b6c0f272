import type { NextConfig } from "next";
import { devAllowedOrigins } from "./lib/dev-origins";

const nextConfig: NextConfig = {
  // WASM (PGlite), the native driver and the argon2 binding must be loaded by Node, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "@node-rs/argon2"],
  poweredByHeader: false,
  // `npm run dev` opened at 127.0.0.1 or this machine's address, not only localhost.
  allowedDevOrigins: devAllowedOrigins(),
};

export default nextConfig;
