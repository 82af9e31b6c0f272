import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // WASM (PGlite), the native driver and the argon2 binding must be loaded by Node, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "@node-rs/argon2"],
  poweredByHeader: false,
};

export default nextConfig;
