import path from "node:path";
import { defineConfig } from "vitest/config";

// The same suite runs on the embedded PGlite always, and on PostgreSQL too when DATABASE_URL
// is set: two projects over one set of test files.
const databaseUrl = process.env.DATABASE_URL;

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // Server modules `import "server-only"`, which throws outside React's server condition;
      // tests run them on the server, so they get the package's own no-op (its react-server entry).
      "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    pool: "forks",
    // next-auth imports "next/server" without an extension; let Vite resolve it.
    server: { deps: { inline: ["next-auth"] } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true as const,
        test: { name: "pglite", include: ["**/*.test.ts"], exclude: ["node_modules/**", "e2e/**", ".next/**"], env: { DATABASE_URL: "" } },
      },
      ...(databaseUrl
        ? [
            {
              extends: true as const,
              test: {
                name: "postgres",
                include: ["**/*.test.ts"],
                exclude: ["node_modules/**", "e2e/**", ".next/**"],
                env: { DATABASE_URL: databaseUrl },
                globalSetup: ["./lib/testing/postgres-global-setup.ts"],
              },
            },
          ]
        : []),
    ],
  },
});
