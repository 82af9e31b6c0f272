import "server-only";
import { z } from "zod";

// Every operator setting, read from env only (API.md "Operator settings"). Parsed lazily on
// first use, never on import, so `next build` needs none of them.

const bool = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1");

const delays = z
  .string()
  .regex(/^\s*\d+\s*(,\s*\d+\s*)*$/, "a comma-separated list of milliseconds, e.g. 60000,300000,1500000")
  .transform((v) => v.split(",").map((n) => Number(n.trim())));

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().trim().optional().transform((v) => (v ? v : undefined)),
  AUTH_SECRET: z.string().optional(),
  AUTH_URL: z.string().url().optional(),
  AUTH_TRUST_HOST: bool.optional(),
  WEBHOOK_ENGINE: z.enum(["embedded", "inngest"]).optional(),
  INNGEST_EVENT_KEY: z.string().optional(),
  INNGEST_DEV: z.string().optional(),
  WEBHOOK_RETRY_DELAYS_MS: delays.default([60_000, 300_000, 1_500_000]),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().max(120_000).default(15_000),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: bool.optional(),
  WEBHOOK_SECRET_KEY: z.string().optional(),
  WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().positive().default(20),
  WEBHOOK_MAX_RETRY_AFTER_MS: z.coerce.number().int().nonnegative().default(3_600_000),
  // Finished deliveries (and their attempts and orphaned events) older than this are pruned.
  WEBHOOK_RETENTION_DAYS: z.coerce.number().int().positive().max(3650).default(30),
  DEMO_SEED: bool.optional(),
  // Rate limits (lib/api/rate-limit.ts); 0 turns one off.
  RATE_LIMIT_API_KEY_PER_MINUTE: z.coerce.number().int().nonnegative().default(600),
  RATE_LIMIT_SIGNIN_PER_ADDRESS_15M: z.coerce.number().int().nonnegative().default(30),
  RATE_LIMIT_SIGNIN_PER_ACCOUNT: z.coerce.number().int().nonnegative().default(5),
  RATE_LIMIT_SIGNUP_PER_HOUR: z.coerce.number().int().nonnegative().default(20),
  RATE_LIMIT_API_KEY_FAILURES_PER_MINUTE: z.coerce.number().int().nonnegative().default(60),
  API_KEYS_MAX_PER_ACCOUNT: z.coerce.number().int().positive().max(1000).default(20),
  // Where the client's address comes from (lib/api/client-address.ts).
  TRUST_PROXY_HOPS: z.coerce.number().int().nonnegative().max(10).default(0),
  VERCEL: z.string().optional(),
  // Set by server.mjs (npm start) in its own process, never by an operator: the socket-address
  // header it writes can be believed.
  PARTNERSMY_SOCKET_ADDRESS_HEADER: z.string().optional(),
});

export type Config = ReturnType<typeof parseConfig>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function parseConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  const problems: string[] = [];
  // In production each of these is a hole, not a default: say exactly what to set.
  if (production) {
    if (!e.DATABASE_URL)
      problems.push("DATABASE_URL is not set: point it at PostgreSQL (postgres://user:pass@host:5432/db).");
    if (!e.AUTH_SECRET) problems.push("AUTH_SECRET is not set: generate one with `openssl rand -base64 32`.");
    if (!e.AUTH_URL && !e.AUTH_TRUST_HOST)
      problems.push("Neither AUTH_URL nor AUTH_TRUST_HOST=true is set: next-auth cannot trust the request host.");
    if (!e.WEBHOOK_SECRET_KEY)
      problems.push("WEBHOOK_SECRET_KEY is not set: it encrypts signing secrets at rest (`openssl rand -base64 32`).");
  }
  if (problems.length) throw new ConfigError(`Missing production settings:\n  ${problems.join("\n  ")}`);

  const engine = e.WEBHOOK_ENGINE ?? (e.INNGEST_EVENT_KEY || e.INNGEST_DEV ? "inngest" : "embedded");
  return {
    env: e.NODE_ENV,
    production,
    // "pglite://<dir>" or "pglite://memory" choose the embedded database explicitly.
    databaseUrl: e.DATABASE_URL,
    authSecret: e.AUTH_SECRET ?? "dev-only-auth-secret-not-for-production",
    engine,
    retryDelaysMs: e.WEBHOOK_RETRY_DELAYS_MS,
    timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    allowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? !production,
    secretKey: e.WEBHOOK_SECRET_KEY ?? "dev-only-webhook-secret-key-not-for-production",
    disableAfterFailures: e.WEBHOOK_DISABLE_AFTER_FAILURES,
    maxRetryAfterMs: e.WEBHOOK_MAX_RETRY_AFTER_MS,
    retentionDays: e.WEBHOOK_RETENTION_DAYS,
    demoSeed: e.DEMO_SEED ?? e.NODE_ENV === "development",
    rateLimits: {
      apiKeyPerMinute: e.RATE_LIMIT_API_KEY_PER_MINUTE,
      signInFailuresPerAddressPer15Minutes: e.RATE_LIMIT_SIGNIN_PER_ADDRESS_15M,
      signInFailuresPerAccount: e.RATE_LIMIT_SIGNIN_PER_ACCOUNT,
      signUpPerHour: e.RATE_LIMIT_SIGNUP_PER_HOUR,
      apiKeyFailuresPerMinute: e.RATE_LIMIT_API_KEY_FAILURES_PER_MINUTE,
    },
    maxApiKeysPerAccount: e.API_KEYS_MAX_PER_ACCOUNT,
    clientAddress: {
      trustProxyHops: e.TRUST_PROXY_HOPS,
      vercel: Boolean(e.VERCEL),
      socketHeaderTrusted: e.PARTNERSMY_SOCKET_ADDRESS_HEADER === "1",
    },
    // Mutations must come from this origin when set (the CSRF check); else from the request's host.
    appOrigin: e.AUTH_URL ? new URL(e.AUTH_URL).origin : null,
  };
}

let cached: Config | undefined;

export function getConfig(): Config {
  cached ??= parseConfig();
  return cached;
}

// Tests change env between cases (e.g. retry delays); they call this after doing so.
export function resetConfigForTests() {
  cached = undefined;
}
